// Repair of the PATCH defect of issue 17: before the fix, an update that did not send
// `cameraIds` or `recipients` emptied them. The audit row of that update holds the lost lists
// (`details.before`). An authorisation whose cameras or recipients are still empty since such
// a row gets back the lists that row recorded; what an administrator set since is left alone.
import type { AuditApi } from '../audit/index.ts';
import type { AuthorisationView } from './authorisations.schemas.ts';
import type { Acting, AuthorisationsService } from './authorisations.service.ts';
import { recipients as knownRecipients, type Recipient } from './legal-lists.ts';

export interface AuthorisationRepair {
  id: string;
  reference: string;
  communeInsee: string;
  /** The audit row whose `before` holds the lists given back. */
  auditSeq: number;
  auditAt: string;
  auditActor: string | null;
  cameraIds: string[];
  recipients: Recipient[];
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The latest audited update that emptied `field` (non-empty before, empty after), if any. */
function lastWipe(records: { seq: number; at: string; actorLogin: string | null; details: Record<string, unknown> }[], field: 'cameraIds' | 'recipients') {
  for (const record of records) {
    const before = record.details.before as Record<string, unknown> | undefined;
    const after = record.details.after as Record<string, unknown> | undefined;
    if (!before || !after || !(field in after)) continue;
    const lost = stringList(before[field]);
    if (lost.length > 0 && stringList(after[field]).length === 0) return { record, lost };
  }
  return null;
}

/** What a repair would give back, per authorisation (nothing to do: not listed). */
export async function findRepairs(authorisations: AuthorisationsService, audit: AuditApi): Promise<AuthorisationRepair[]> {
  const repairs: AuthorisationRepair[] = [];
  for (const view of await authorisations.list(null)) {
    const repair = await repairOf(view, audit);
    if (repair) repairs.push(repair);
  }
  return repairs;
}

async function repairOf(view: AuthorisationView, audit: AuditApi): Promise<AuthorisationRepair | null> {
  // Newest first: the latest wipe holds the last lists the authorisation had.
  const { records } = await audit.search({ action: 'authorisation.updated', targetId: view.id, limit: 10_000 }, { allCommunes: true, communes: [] });
  const cameras = view.cameraIds.length === 0 ? lastWipe(records, 'cameraIds') : null;
  const recipients = view.recipients.length === 0 ? lastWipe(records, 'recipients') : null;
  if (!cameras && !recipients) return null;
  const source = [cameras?.record, recipients?.record].filter((record) => record !== undefined).sort((a, b) => b.seq - a.seq)[0]!;
  return {
    id: view.id,
    reference: view.reference,
    communeInsee: view.communeInsee,
    auditSeq: source.seq,
    auditAt: source.at,
    auditActor: source.actorLogin,
    cameraIds: cameras?.lost ?? [],
    recipients: (recipients?.lost ?? []).filter((recipient): recipient is Recipient => (knownRecipients as readonly string[]).includes(recipient)),
  };
}

/**
 * Gives back the lists found by `findRepairs`, each through the ordinary update (checked and
 * audited like any change, with the audit row it restores from as the reason). Cameras since
 * no longer in the inventory are left out, and named.
 */
export async function applyRepair(
  repair: AuthorisationRepair,
  authorisations: AuthorisationsService,
  acting: Acting,
): Promise<{ view: AuthorisationView; skippedCameraIds: string[] }> {
  const existing = repair.cameraIds.length > 0 ? await authorisations.camerasOfCommune(repair.communeInsee, repair.cameraIds) : [];
  const skippedCameraIds = repair.cameraIds.filter((id) => !existing.includes(id));
  const changes = {
    ...(existing.length > 0 ? { cameraIds: existing } : {}),
    ...(repair.recipients.length > 0 ? { recipients: repair.recipients } : {}),
  };
  const reason = `Restauré depuis la ligne d’audit n° ${repair.auditSeq} du ${repair.auditAt} / restored from audit row ${repair.auditSeq} (issue 17)`;
  const view = await authorisations.update(repair.id, changes, acting, { reason });
  return { view, skippedCameraIds };
}
