// CAP 1.2 (OASIS Common Alerting Protocol, 2010) documents read and checked against the OASIS
// schema's structure and the standard's rules (docs/alarms.md "CAP 1.2"): the required elements
// of alert, info and area (order-independent), enumerations, dateTime with an explicit offset,
// polygons, circles, references, scope with restriction and addresses. XML is parsed by
// fast-xml-parser with entity expansion off, DOCTYPE refused and the size bounded. Pure: no IO.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError } from '../../platform/errors.ts';

/** The largest CAP document accepted (bytes), pushed or fetched from a feed. */
export const maxCapBytes = 256 * 1024;
export const capNamespace = 'urn:oasis:names:tc:emergency:cap:1.2';

export const capStatuses = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const capMsgTypes = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const capScopes = ['Public', 'Restricted', 'Private'] as const;
export const capCategories = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export const capResponseTypes = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
export const capUrgencies = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const capSeverities = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const capCertainties = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export type CapUrgency = (typeof capUrgencies)[number];
export type CapSeverity = (typeof capSeverities)[number];

/** The (sender, identifier, sent) triple that names a CAP message; `sent` as written. */
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

export interface CapArea {
  areaDesc: string;
  /** Each ring as [latitude, longitude] pairs, first equal to last. */
  polygons: [number, number][][];
  circles: { latitude: number; longitude: number; radiusKm: number }[];
  geocodes: { valueName: string; value: string }[];
}

export interface CapInfo {
  language: string;
  categories: string[];
  event: string;
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: string;
  effective: string | null;
  onset: string | null;
  expires: string | null;
  headline: string | null;
  description: string | null;
  areas: CapArea[];
}

export interface CapAlert extends CapReference {
  /** `sent` as an ISO UTC instant. */
  sentAt: string;
  status: (typeof capStatuses)[number];
  msgType: (typeof capMsgTypes)[number];
  scope: (typeof capScopes)[number];
  restriction: string | null;
  addresses: string | null;
  references: CapReference[];
  infos: CapInfo[];
}

/** One broken rule: `cap_invalid`, 400, with the rule's name and the reason in French and English. */
export function capInvalid(rule: string, en: string, fr: string): DomainError {
  return new DomainError('cap_invalid', { fr: `Message CAP refusé : ${fr}.`, en: `CAP message refused: ${en}.`, details: { rule, reason: en } });
}

const repeated = new Set(['info', 'area', 'polygon', 'circle', 'geocode', 'category', 'responseType', 'eventCode', 'parameter', 'resource', 'code']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => repeated.has(name),
});

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** The five predefined XML entities and character references; nothing else is expanded (no DOCTYPE). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeCodePoint(Number.parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(Number.parseInt(name.slice(1), 10)) ?? whole;
    return predefined[name] ?? whole;
  });
}
const safeCodePoint = (code: number): string | null => (code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null);

/** Well-formed XML within the size bound, no DOCTYPE (hence no entity declarations): the parsed tree. */
export function parseXml(text: string, maxBytes: number, what: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > maxBytes) throw capInvalid('size', `${what} over ${maxBytes} bytes`, `${what} de plus de ${maxBytes} octets`);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    throw capInvalid('doctype', 'DOCTYPE and entity declarations are refused', 'DOCTYPE et déclarations d’entités refusés');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw capInvalid('xml', `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`, `XML mal formé (ligne ${valid.err.line})`);
  return parser.parse(text) as Record<string, unknown>;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text of a leaf element (an element with attributes only keeps its `#text`). */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return decodeEntities(value);
  if (isNode(value) && typeof value['#text'] === 'string') return decodeEntities(value['#text']);
  if (isNode(value) && Object.keys(value).every((key) => key.startsWith('@_'))) return '';
  return null;
}

class Reader {
  constructor(
    private readonly node: Node,
    private readonly where: string,
  ) {}

  one(name: string, required: true, max?: number): string;
  one(name: string, required: false, max?: number): string | null;
  one(name: string, required: boolean, max = 2000): string | null {
    const value = this.node[name];
    if (value === undefined) {
      if (required) throw capInvalid('required', `<${this.where}> lacks <${name}>`, `<${name}> manque dans <${this.where}>`);
      return null;
    }
    if (Array.isArray(value))
      throw capInvalid('once', `<${name}> appears more than once in <${this.where}>`, `<${name}> figure plusieurs fois dans <${this.where}>`);
    const text = textOf(value);
    if (text === null) throw capInvalid('text', `<${this.where}><${name}> must hold text`, `<${this.where}><${name}> doit contenir du texte`);
    if (text.length > max) throw capInvalid('length', `<${this.where}><${name}> over ${max} characters`, `<${this.where}><${name}> dépasse ${max} caractères`);
    if (required && text === '') throw capInvalid('required', `<${this.where}><${name}> is empty`, `<${this.where}><${name}> est vide`);
    return text === '' ? null : text;
  }

  many(name: string, max: number): unknown[] {
    const value = this.node[name];
    const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (list.length > max) throw capInvalid('count', `more than ${max} <${name}> in <${this.where}>`, `plus de ${max} <${name}> dans <${this.where}>`);
    return list;
  }

  texts(name: string, max: number): string[] {
    return this.many(name, max).map((value) => {
      const text = textOf(value);
      if (text === null || text === '' || text.length > 2000)
        throw capInvalid('text', `<${this.where}><${name}> must hold text`, `<${this.where}><${name}> doit contenir du texte`);
      return text;
    });
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.one(name, true, 100);
    if (!(allowed as readonly string[]).includes(value))
      throw capInvalid(
        'enumeration',
        `<${this.where}><${name}> "${value}" is not one of ${allowed.join(', ')}`,
        `<${this.where}><${name}> « ${value} » n’est pas dans ${allowed.join(', ')}`,
      );
    return value as T;
  }
}

const capDateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([-+])(\d{2}):(\d{2})$/;
/** CAP's dateTime: "YYYY-MM-DDThh:mm:ss+hh:mm" (or -hh:mm), no "Z", no fraction; a real date. Returns the ISO UTC instant. */
export function capInstant(value: string, element: string): string {
  const match = capDateTime.exec(value);
  const invalid = () =>
    capInvalid(
      'datetime',
      `<${element}> "${value}" is not a CAP dateTime (YYYY-MM-DDThh:mm:ss+hh:mm)`,
      `<${element}> « ${value} » n’est pas une date CAP (AAAA-MM-JJThh:mm:ss+hh:mm)`,
    );
  if (!match) throw invalid();
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.map(Number) as number[];
  const local = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(local);
  if (
    check.getUTCMonth() !== month! - 1 ||
    check.getUTCDate() !== day! ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59 ||
    offsetHours! > 14 ||
    offsetMinutes! > 59
  )
    throw invalid();
  const sign = match[7] === '-' ? -1 : 1;
  return new Date(local - sign * (offsetHours! * 60 + offsetMinutes!) * 60_000).toISOString();
}

/** sender and identifier: no spaces, commas, `<` or `&` (CAP 1.2, 3.2.1). */
function plainToken(value: string, element: string): string {
  if (/[\s,<&]/.test(value))
    throw capInvalid('identifier', `<${element}> must not contain spaces, commas, < or &`, `<${element}> ne doit contenir ni espace, ni virgule, ni < ni &`);
  return value;
}

function coordinate(text: string, element: string): [number, number] {
  const parts = text.split(',');
  const [latitude, longitude] = parts.map((part) => (/^[-+]?\d{1,3}(\.\d+)?$/.test(part) ? Number(part) : Number.NaN));
  if (parts.length !== 2 || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude!) > 90 || Math.abs(longitude!) > 180)
    throw capInvalid(
      element,
      `<${element}> point "${text}" is not "latitude,longitude" in WGS 84`,
      `<${element}> point « ${text} » n’est pas « latitude,longitude » (WGS 84)`,
    );
  return [latitude!, longitude!];
}

/** A polygon: at least 4 "lat,lon" pairs separated by spaces, the first equal to the last (CAP 1.2, 3.2.4). */
export function parsePolygon(text: string): [number, number][] {
  const points = text
    .trim()
    .split(/\s+/)
    .map((pair) => coordinate(pair, 'polygon'));
  if (points.length < 4) throw capInvalid('polygon', 'a <polygon> needs at least 4 coordinate pairs', 'un <polygon> demande au moins 4 couples de coordonnées');
  if (points.length > 10_000) throw capInvalid('polygon', 'a <polygon> of more than 10,000 points', 'un <polygon> de plus de 10 000 points');
  const [first, last] = [points[0]!, points[points.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1])
    throw capInvalid(
      'polygon',
      'the first and last pairs of a <polygon> must be the same',
      'le premier et le dernier point d’un <polygon> doivent être identiques',
    );
  return points;
}

/** A circle: "lat,lon radius" with the radius in kilometres (CAP 1.2, 3.2.4). */
export function parseCircle(text: string): { latitude: number; longitude: number; radiusKm: number } {
  const parts = text.trim().split(/\s+/);
  const radius = parts.length === 2 && /^\d+(\.\d+)?$/.test(parts[1]!) ? Number(parts[1]) : Number.NaN;
  if (!Number.isFinite(radius) || radius > 20_000)
    throw capInvalid('circle', `<circle> "${text}" is not "latitude,longitude radius_km"`, `<circle> « ${text} » n’est pas « latitude,longitude rayon_km »`);
  const [latitude, longitude] = coordinate(parts[0]!, 'circle');
  return { latitude, longitude, radiusKm: radius };
}

/** references: space-separated "sender,identifier,sent" triples (CAP 1.2, 3.2.1). */
export function parseReferences(text: string): CapReference[] {
  return text
    .trim()
    .split(/\s+/)
    .map((triple) => {
      const parts = triple.split(',');
      if (parts.length !== 3 || parts.some((part) => part === ''))
        throw capInvalid(
          'references',
          `reference "${triple}" is not "sender,identifier,sent"`,
          `la référence « ${triple} » n’est pas « expéditeur,identifiant,date »`,
        );
      capInstant(parts[2]!, 'references');
      return { sender: parts[0]!, identifier: parts[1]!, sent: parts[2]! };
    });
}

function readArea(node: unknown): CapArea {
  if (!isNode(node)) throw capInvalid('structure', '<area> must hold elements', '<area> doit contenir des éléments');
  const area = new Reader(node, 'area');
  const geocodes = area.many('geocode', 200).map((entry) => {
    if (!isNode(entry)) throw capInvalid('geocode', '<geocode> needs <valueName> and <value>', '<geocode> demande <valueName> et <value>');
    const reader = new Reader(entry, 'geocode');
    return { valueName: reader.one('valueName', true, 100), value: reader.one('value', true, 200) };
  });
  return {
    areaDesc: area.one('areaDesc', true, 1000),
    polygons: area.texts('polygon', 100).map(parsePolygon),
    circles: area.texts('circle', 100).map(parseCircle),
    geocodes,
  };
}

function readInfo(node: unknown): CapInfo {
  if (!isNode(node)) throw capInvalid('structure', '<info> must hold elements', '<info> doit contenir des éléments');
  const info = new Reader(node, 'info');
  const categories = info.texts('category', 12);
  if (categories.length === 0) throw capInvalid('required', '<info> lacks <category>', '<category> manque dans <info>');
  for (const category of categories)
    if (!(capCategories as readonly string[]).includes(category))
      throw capInvalid('enumeration', `<info><category> "${category}" is not one of ${capCategories.join(', ')}`, `<info><category> « ${category} » inconnue`);
  for (const response of info.texts('responseType', 9))
    if (!(capResponseTypes as readonly string[]).includes(response))
      throw capInvalid(
        'enumeration',
        `<info><responseType> "${response}" is not one of ${capResponseTypes.join(', ')}`,
        `<info><responseType> « ${response} » inconnu`,
      );
  const instant = (name: string) => {
    const value = info.one(name, false, 40);
    return value === null ? null : capInstant(value, name);
  };
  const language = info.one('language', false, 35) ?? 'en-US';
  if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(language))
    throw capInvalid('language', `<language> "${language}" is not an RFC 3066 code`, `<language> « ${language} » n’est pas un code RFC 3066`);
  const result: CapInfo = {
    language,
    categories,
    event: info.one('event', true, 500),
    urgency: info.oneOf('urgency', capUrgencies),
    severity: info.oneOf('severity', capSeverities),
    certainty: info.oneOf('certainty', capCertainties),
    effective: instant('effective'),
    onset: instant('onset'),
    expires: instant('expires'),
    headline: info.one('headline', false, 500),
    description: info.one('description', false, 20_000),
    areas: info.many('area', 100).map(readArea),
  };
  info.one('web', false, 2000);
  return result;
}

/** The root element must be `alert` in the CAP 1.2 namespace (as default namespace or a declared prefix). */
function assertNamespace(text: string): void {
  const root = /<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)\b([^>]*)>/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (root?.[2] !== 'alert') throw capInvalid('root', 'the root element must be <alert>', 'l’élément racine doit être <alert>');
  const attribute = root[1] ? `xmlns:${root[1]}` : 'xmlns';
  const declared = new RegExp(`\\s${attribute.replace('.', '\\.')}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(root[3] ?? '');
  const value = declared?.[2] ?? declared?.[3];
  if (value !== capNamespace)
    throw capInvalid('namespace', `<alert> must be in the namespace ${capNamespace}`, `<alert> doit être dans l’espace de noms ${capNamespace}`);
}

/** A CAP 1.2 document checked against the schema's structure and the standard's rules, or `cap_invalid` with the rule broken. */
export function parseCap(text: string): CapAlert {
  const tree = parseXml(text, maxCapBytes, 'CAP document');
  assertNamespace(text);
  const roots = Object.keys(tree).filter((key) => !key.startsWith('?') && !key.startsWith('#'));
  const root = tree.alert;
  if (roots.length !== 1 || !isNode(root)) throw capInvalid('root', 'the document must hold one <alert>', 'le document doit contenir un seul <alert>');
  const alert = new Reader(root, 'alert');
  const sent = alert.one('sent', true, 40);
  const status = alert.oneOf('status', capStatuses);
  const msgType = alert.oneOf('msgType', capMsgTypes);
  const scope = alert.oneOf('scope', capScopes);
  const restriction = alert.one('restriction', false, 1000);
  const addresses = alert.one('addresses', false, 5000);
  if (scope === 'Restricted' && !restriction)
    throw capInvalid('scope', '<restriction> is required when <scope> is Restricted', '<restriction> est obligatoire quand <scope> vaut Restricted');
  if (scope === 'Private' && !addresses)
    throw capInvalid('scope', '<addresses> is required when <scope> is Private', '<addresses> est obligatoire quand <scope> vaut Private');
  const referencesText = alert.one('references', false, 20_000);
  const references = referencesText ? parseReferences(referencesText) : [];
  if ((msgType === 'Update' || msgType === 'Cancel') && references.length === 0)
    throw capInvalid(
      'references',
      `an ${msgType} must give <references> to the message(s) it applies to`,
      `un message ${msgType} doit donner <references> vers le(s) message(s) concerné(s)`,
    );
  if (references.length > 100) throw capInvalid('references', 'more than 100 references', 'plus de 100 références');
  alert.one('source', false, 1000);
  alert.one('note', false, 5000);
  alert.one('incidents', false, 5000);
  const infos = alert.many('info', 20).map(readInfo);
  return {
    identifier: plainToken(alert.one('identifier', true, 255), 'identifier'),
    sender: plainToken(alert.one('sender', true, 255), 'sender'),
    sent,
    sentAt: capInstant(sent, 'sent'),
    status,
    msgType,
    scope,
    restriction,
    addresses,
    references,
    infos,
  };
}

/** The key a CAP message is stored under: its (sender, identifier, sent) triple as the standard writes it. */
export const capKey = (reference: CapReference): string => `${reference.sender},${reference.identifier},${reference.sent}`;
