// Pure rules of the devices module: comparing what a camera says it is with the inventory (a
// mismatched model or MAC address: possibly a swapped camera), which cameras are due a read,
// and reading a stored quirk record back.
import { normaliseMac, QUIRK_FIELDS, type OnvifQuirks } from '../../platform/onvif/index.ts';
import { quirksSchema } from './devices.schemas.ts';

const squash = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The model differs when both are known and neither contains the other once case, spaces and
 * punctuation are set aside: inventories often hold a short reference ("P4232") of the model a
 * camera names in full ("VS-P4232 Dome PTZ").
 */
export function modelMismatch(inventoryModel: string | null, reportedModel: string | null): boolean {
  if (!inventoryModel || !reportedModel) return false;
  const [inventory, reported] = [squash(inventoryModel), squash(reportedModel)];
  if (!inventory || !reported) return false;
  return !reported.includes(inventory) && !inventory.includes(reported);
}

/** The MAC differs when the inventory holds one and the camera reports others only. */
export function macMismatch(inventoryMac: string | null, reportedMacs: readonly string[]): boolean {
  const inventory = normaliseMac(inventoryMac);
  if (!inventory || reportedMacs.length === 0) return false;
  return !reportedMacs.includes(inventory);
}

/** What a read is tied to: the ONVIF URL and account; a change of either reads the facts again. */
export function readSource(onvifUrl: string, username: string | null): string {
  return `${onvifUrl}|${username ?? ''}`;
}

export interface DueCandidate {
  cameraId: string;
  source: string;
  readSource: string | null;
  attemptedAt: string | null;
}

/**
 * The cameras to read now, oldest attempt first: never read, ONVIF URL or account changed since,
 * or last attempted more than `refreshMs` ago (a failed read waits as long as a good one).
 */
export function dueCameras(candidates: readonly DueCandidate[], nowMs: number, refreshMs: number, limit: number): string[] {
  return candidates
    .filter((candidate) => {
      if (candidate.attemptedAt === null || candidate.readSource !== candidate.source) return true;
      return nowMs - Date.parse(candidate.attemptedAt) >= refreshMs;
    })
    .sort((a, b) => (a.attemptedAt ?? '').localeCompare(b.attemptedAt ?? ''))
    .slice(0, limit)
    .map((candidate) => candidate.cameraId);
}

/** A stored quirk record (JSON text); what does not validate is dropped, field by field. */
export function parseQuirks(json: string | null | undefined): OnvifQuirks {
  let value: unknown;
  try {
    value = JSON.parse(json ?? '{}');
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object') return {};
  const quirks: Record<string, unknown> = {};
  for (const field of QUIRK_FIELDS) {
    const one = quirksSchema.shape[field].safeParse((value as Record<string, unknown>)[field]);
    if (one.success && one.data !== undefined) quirks[field] = one.data;
  }
  return quirks as OnvifQuirks;
}
