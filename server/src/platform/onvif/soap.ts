// SOAP 1.2 for the ONVIF client side, pure: request envelopes with a WS-Security
// UsernameToken (OASIS UsernameToken Profile 1.0, PasswordDigest = Base64(SHA-1(nonce +
// created + password)), so the password never crosses the network), and response parsing
// (fast-xml-parser, namespace prefixes dropped) that tells a body from a SOAP fault. An answer
// is validated as a whole document before it is read: a camera that closes the connection
// mid-answer gives a truncated document, which is refused rather than read in part.
import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlNode = Record<string, unknown>;

export interface OnvifCredentials {
  username: string;
  password: string;
}

export const NAMESPACES = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wsa: 'http://www.w3.org/2005/08/addressing',
} as const;

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const NONCE_ENCODING = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created + password, 'utf8')]))
    .digest('base64');
}

/** `Created` as cameras expect it: UTC, second precision. */
export function wsseCreated(atMs: number): string {
  return new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The WS-Security header: nonce and creation time given, so the output is testable. */
export function usernameTokenHeader(credentials: OnvifCredentials, nonce: Buffer, created: string): string {
  return (
    `<wsse:Security s:mustUnderstand="true" xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(credentials.username)}</wsse:Username>` +
    `<wsse:Password Type="${DIGEST_TYPE}">${passwordDigest(nonce, created, credentials.password)}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${NONCE_ENCODING}">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

/** A SOAP 1.2 envelope around one request body, with optional header elements (security, WS-Addressing). */
export function buildEnvelope(bodyXml: string, ...headerXml: (string | undefined)[]): string {
  const declarations = Object.entries(NAMESPACES)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  const headers = headerXml.filter((part) => part).join('');
  const header = headers ? `<s:Header>${headers}</s:Header>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${declarations}>${header}<s:Body>${bodyXml}</s:Body></s:Envelope>`;
}

export interface SoapFault {
  /** `Sender` or `Receiver` (SOAP 1.2), or the SOAP 1.1 faultcode. */
  code: string;
  /** The ONVIF subcodes, outermost first and joined by `/` (`ter:InvalidArgVal/ter:NoToken`); null when absent. */
  subcode: string | null;
  reason: string;
}

export type SoapResponse = { kind: 'body'; action: string; body: XmlNode } | { kind: 'fault'; fault: SoapFault } | { kind: 'invalid'; problem: string };

// Lists that may hold one element are always arrays, so parsers never branch on the count.
const ALWAYS_LISTS = new Set(['Profiles', 'Preset', 'Service', 'Text', 'Subcode', 'NetworkInterfaces', 'PTZNode', 'NotificationMessage']);
const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ALWAYS_LISTS.has(name),
});

export function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' ? (node as XmlNode)[name] : undefined;
}

/** Text of an element that may carry attributes (its text is then under '#text'). */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return String((node as XmlNode)['#text']);
  return undefined;
}

export function list(node: unknown): unknown[] {
  if (node === undefined || node === null || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

function faultOf(node: unknown): SoapFault {
  // SOAP 1.2: Code/Value, Code/Subcode/Value, Reason/Text; SOAP 1.1: faultcode, faultstring.
  // Subcodes nest (Subcode/Subcode/Value): every level is kept, the most precise one last.
  const code = child(node, 'Code');
  const subcodes: string[] = [];
  for (let level = list(child(code, 'Subcode'))[0]; level !== undefined && subcodes.length < 8; level = list(child(level, 'Subcode'))[0]) {
    const value = text(child(level, 'Value'));
    if (value) subcodes.push(value);
  }
  const reason = list(child(child(node, 'Reason'), 'Text'))[0];
  return {
    code: stripPrefix(text(child(code, 'Value')) ?? text(child(node, 'faultcode')) ?? 'Receiver'),
    subcode: subcodes.length > 0 ? subcodes.join('/') : null,
    reason: (text(reason) ?? text(child(node, 'faultstring')) ?? 'no reason given').slice(0, 500),
  };
}

function stripPrefix(value: string): string {
  const colon = value.indexOf(':');
  return colon >= 0 ? value.slice(colon + 1) : value;
}

/** Whether a fault subcode chain names `code` at any level (`ter:NotAuthorized` in `ter:Sender/ter:NotAuthorized`). */
export function hasSubcode(subcode: string | null, code: string): boolean {
  return (subcode ?? '').split('/').some((level) => stripPrefix(level).toLowerCase() === code.toLowerCase());
}

/** Reads a response envelope: the first body element, or the fault it carries; a document that is not whole XML is invalid. */
export function parseSoapResponse(xml: string): SoapResponse {
  const validation = xml.trim() === '' ? { err: { msg: 'empty answer' } } : XMLValidator.validate(xml);
  if (validation !== true) return { kind: 'invalid', problem: `not a whole XML document (${validation.err.msg.split('\n')[0]})` };
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    return { kind: 'invalid', problem: `not XML (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})` };
  }
  const body = child(child(document, 'Envelope'), 'Body');
  if (body === undefined) return { kind: 'invalid', problem: 'not a SOAP envelope' };
  const fault = child(body, 'Fault');
  if (fault !== undefined) return { kind: 'fault', fault: faultOf(fault) };
  const action = body && typeof body === 'object' ? Object.keys(body).find((key) => !key.startsWith('@') && key !== '#text') : undefined;
  if (!action) return { kind: 'invalid', problem: 'empty SOAP body' };
  const content = (body as XmlNode)[action];
  return { kind: 'body', action, body: content && typeof content === 'object' ? (content as XmlNode) : {} };
}

/** xs:duration for ONVIF timeouts: 1000 -> PT1S, 1500 -> PT1.5S. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds) / 1000);
  return `PT${Number(seconds.toFixed(3))}S`;
}

/** xs:duration as cameras write timeouts (PT5S, PT0.5S, PT1M, P0DT0H0M2S); undefined when not one. */
export function parseDuration(value: string | undefined): number | undefined {
  const match = value ? /^P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value.trim()) : null;
  if (!match || value!.trim() === 'P' || value!.trim().endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = [match[1], match[2], match[3], match[4]].map((part) => Number(part ?? 0)) as [number, number, number, number];
  return Math.round((((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000);
}
