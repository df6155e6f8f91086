// CAP 1.2 documents for the tests, written for Vigie in the standard's shape (OASIS CAP 1.2,
// 2010): a prefecture alert on INSEE codes, a weather alert on a polygon, and builders for
// updates and cancels. Grenoble (38185) and Saint-Martin-d'Hères (38421), as in the inventory fixtures.

export interface CapFixture {
  identifier?: string;
  sender?: string;
  sent?: string;
  status?: string;
  msgType?: string;
  scope?: string;
  /** Extra elements of <alert> after <scope> (restriction, addresses, references, note...). */
  alertExtra?: string;
  /** The <info> blocks; default: one prefecture info on INSEE 38185. */
  infos?: string[];
}

export function capInfo(
  options: {
    category?: string;
    event?: string;
    urgency?: string;
    severity?: string;
    certainty?: string;
    headline?: string;
    area?: string;
    language?: string;
    extra?: string;
  } = {},
): string {
  return `<info>
    <language>${options.language ?? 'fr-FR'}</language>
    <category>${options.category ?? 'Safety'}</category>
    <event>${options.event ?? 'Pollution de l’air'}</event>
    <urgency>${options.urgency ?? 'Expected'}</urgency>
    <severity>${options.severity ?? 'Severe'}</severity>
    <certainty>${options.certainty ?? 'Likely'}</certainty>
    <onset>2026-11-23T12:00:00+01:00</onset>
    <expires>2026-11-24T12:00:00+01:00</expires>
    <headline>${options.headline ?? 'Épisode de pollution : procédure d’alerte'}</headline>
    <description>Limiter les déplacements &amp; reporter les activités sportives.</description>
    ${options.extra ?? ''}
    ${options.area ?? inseeArea(['38185'])}
  </info>`;
}

export const inseeArea = (codes: string[], valueName = 'INSEE') =>
  `<area><areaDesc>Communes ${codes.join(', ')}</areaDesc>${codes.map((code) => `<geocode><valueName>${valueName}</valueName><value>${code}</value></geocode>`).join('')}</area>`;

/** A square around the Gare site of communeA (45.1915, 5.7146). */
export const polygonAroundGare = '45.18,5.70 45.20,5.70 45.20,5.73 45.18,5.73 45.18,5.70';
export const polygonArea = (polygon = polygonAroundGare) => `<area><areaDesc>Grenoble centre</areaDesc><polygon>${polygon}</polygon></area>`;
export const circleArea = (circle: string) => `<area><areaDesc>Rayon</areaDesc><circle>${circle}</circle></area>`;

export function capDocument(fixture: CapFixture = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${fixture.identifier ?? 'PREF38-2026-0042'}</identifier>
  <sender>${fixture.sender ?? 'alertes@isere.gouv.fr'}</sender>
  <sent>${fixture.sent ?? '2026-11-23T10:58:00+01:00'}</sent>
  <status>${fixture.status ?? 'Actual'}</status>
  <msgType>${fixture.msgType ?? 'Alert'}</msgType>
  <scope>${fixture.scope ?? 'Public'}</scope>
  ${fixture.alertExtra ?? ''}
  ${(fixture.infos ?? [capInfo()]).join('\n')}
</alert>`;
}

/** A weather alert (category Met) on a polygon around the Gare site. */
export const weatherDocument = (identifier = 'MF-VIGI-2026-1123-38', severity = 'Severe') =>
  capDocument({
    identifier,
    sender: 'vigilance@meteo.fr',
    infos: [capInfo({ category: 'Met', event: 'Orages', severity, urgency: 'Immediate', headline: 'Vigilance orange orages', area: polygonArea() })],
  });

/** An Update or Cancel of the message `of`. */
export function capFollowUp(msgType: 'Update' | 'Cancel', of: { sender: string; identifier: string; sent: string }, fixture: CapFixture = {}): string {
  return capDocument({
    sender: of.sender,
    identifier: `${of.identifier}-${msgType.toLowerCase()}`,
    sent: '2026-11-23T11:30:00+01:00',
    msgType,
    alertExtra: `<references>${of.sender},${of.identifier},${of.sent}</references>`,
    ...fixture,
  });
}
