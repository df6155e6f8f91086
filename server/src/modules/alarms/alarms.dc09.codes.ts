// What a DC-09 message's data says (docs/alarms.md "Code mapping"): SIA-DCS event codes
// (`#1234|Nri1/BA01`) and Contact ID events (`#1234|1130 01 015`), mapped to Vigie's alarm types.
// A documented subset: burglary, panic and hold-up become `intrusion`, fire `fire`, tamper
// `panel_tamper`, each with its restoral; tests (periodic or manual) only refresh the account's
// supervision; openings and closings are kept as receipts, not alarms. Any other code is not
// understood (DUH), so that the installer sees it at commissioning. Pure: no IO.
import type { AlarmType } from './alarms.catalogue.ts';

export type Dc09EventKind = 'alarm' | 'restore' | 'test' | 'receipt';

export interface Dc09Event {
  kind: Dc09EventKind;
  /** The alarm type, for `alarm` and `restore`. */
  type: AlarmType | null;
  /** The protocol's own code: `BA`, or Contact ID `E130`/`R130`. */
  code: string;
  /** Zone (or user for openings), as sent; null when none. */
  zone: string | null;
  /** Area or partition, as sent; null when none. */
  partition: string | null;
}

/** SIA-DCS two-letter codes: [kind, type]. */
export const siaCodes: Readonly<Record<string, readonly [Dc09EventKind, AlarmType | null]>> = {
  BA: ['alarm', 'intrusion'],
  BR: ['restore', 'intrusion'],
  PA: ['alarm', 'intrusion'],
  PR: ['restore', 'intrusion'],
  HA: ['alarm', 'intrusion'],
  HR: ['restore', 'intrusion'],
  FA: ['alarm', 'fire'],
  FR: ['restore', 'fire'],
  TA: ['alarm', 'panel_tamper'],
  TR: ['restore', 'panel_tamper'],
  RP: ['test', null],
  RX: ['test', null],
  OP: ['receipt', null],
  CL: ['receipt', null],
  OA: ['receipt', null],
  CA: ['receipt', null],
};

/** Contact ID event codes (3 digits) or ranges: the type of their new event (qualifier 1) and restoral (3). */
function contactIdType(code: number): { kind: 'alarm' | 'test' | 'receipt'; type: AlarmType | null } | null {
  if (code >= 110 && code <= 118) return { kind: 'alarm', type: 'fire' };
  if (code >= 120 && code <= 123) return { kind: 'alarm', type: 'intrusion' };
  if (code === 137 || code === 144 || code === 145) return { kind: 'alarm', type: 'panel_tamper' };
  if (code >= 130 && code <= 139) return { kind: 'alarm', type: 'intrusion' };
  if (code === 601 || code === 602) return { kind: 'test', type: null };
  if (code >= 400 && code <= 409) return { kind: 'receipt', type: null };
  return null;
}

/** The events of a data block, or null when any is not understood. At most 8 events a message. */
export function parseEvents(token: 'SIA-DCS' | 'ADM-CID', data: string): Dc09Event[] | null {
  const content = data.replace(/^#[0-9A-F]{3,16}\|/, '');
  return token === 'SIA-DCS' ? parseSia(content) : parseContactId(content);
}

const siaBlockPattern = /^(?:ri(\d{1,4}))?(?:ti\d{2}:\d{2})?(?:id(\d{1,4}))?([A-Z]{2})([0-9A-F]{0,4})$/;

function parseSia(content: string): Dc09Event[] | null {
  // `N` new event (`O` old, replayed from the panel's memory); `^text^` comments are dropped.
  const match = /^[NO](.*)$/.exec(content.replace(/\^[^^]*\^/g, ''));
  if (!match?.[1]) return null;
  const events: Dc09Event[] = [];
  let partition: string | null = null;
  for (const block of match[1].split('/')) {
    if (block === '') continue;
    const modifier = /^(ri|id|pi|ai)(\d{1,4})$/.exec(block) ?? /^(ti)\d{2}:\d{2}$/.exec(block);
    if (modifier) {
      if (modifier[1] === 'ri') partition = modifier[2] ?? null;
      continue;
    }
    const parts = siaBlockPattern.exec(block);
    if (!parts) return null;
    const [, area, , code, zone] = parts as unknown as [string, string | undefined, string | undefined, string, string];
    if (area) partition = area;
    const known = siaCodes[code];
    if (!known) return null;
    events.push({ kind: known[0], type: known[1], code, zone: zone || null, partition });
    if (events.length > 8) return null;
  }
  return events.length > 0 ? events : null;
}

function parseContactId(content: string): Dc09Event[] | null {
  // Qualifier (1 new, 3 restore, 6 status), event code, partition (2), zone or user (3).
  const match = /^([136])(\d{3}) ?([0-9A-F]{2}) ?([0-9A-F]{3})$/.exec(content.trim());
  if (!match) return null;
  const [, qualifier, codeText, partition, zone] = match as unknown as [string, string, string, string, string];
  const mapped = contactIdType(Number(codeText));
  if (!mapped) return null;
  const code = `${qualifier === '3' ? 'R' : 'E'}${codeText}`;
  let kind: Dc09EventKind = mapped.kind;
  if (mapped.kind === 'alarm') kind = qualifier === '1' ? 'alarm' : qualifier === '3' ? 'restore' : 'receipt';
  return [{ kind, type: kind === 'alarm' || kind === 'restore' ? mapped.type : null, code, zone, partition }];
}
