// SOAP 1.2 envelopes for the ONVIF services: request parsing (fast-xml-parser, namespace
// prefixes dropped), WS-Security UsernameToken checking (OASIS UsernameToken Profile 1.0:
// PasswordDigest = Base64(SHA-1(nonce + created + password))), response and fault building.
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { Credentials } from '../digest.ts';

export type XmlNode = Record<string, unknown>;

export interface UsernameToken {
  username: string;
  password: string;
  passwordType: 'digest' | 'text';
  nonce?: string | undefined;
  created?: string | undefined;
}

export interface SoapRequest {
  action: string;
  body: XmlNode;
  token?: UsernameToken | undefined;
}

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });

function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' ? (node as XmlNode)[name] : undefined;
}

/** Text of an element that may carry attributes (then its text is under '#text'). */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String((node as XmlNode)['#text']);
  return undefined;
}

export function parseSoapRequest(xml: string): SoapRequest | undefined {
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch {
    return undefined;
  }
  const envelope = child(document, 'Envelope');
  const body = child(envelope, 'Body');
  if (!body || typeof body !== 'object') return undefined;
  const action = Object.keys(body).find((key) => !key.startsWith('@'));
  if (!action) return undefined;
  const content = (body as XmlNode)[action];
  const tokenNode = child(child(child(envelope, 'Header'), 'Security'), 'UsernameToken');
  let token: UsernameToken | undefined;
  if (tokenNode) {
    const password = child(tokenNode, 'Password');
    const type = password && typeof password === 'object' ? String((password as XmlNode)['@Type'] ?? '') : '';
    token = {
      username: text(child(tokenNode, 'Username')) ?? '',
      password: text(password) ?? '',
      passwordType: type.endsWith('#PasswordText') ? 'text' : 'digest',
      nonce: text(child(tokenNode, 'Nonce')),
      created: text(child(tokenNode, 'Created')),
    };
  }
  return { action, body: content && typeof content === 'object' ? (content as XmlNode) : {}, token };
}

export function passwordDigest(nonceBase64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceBase64, 'base64'), Buffer.from(created + password, 'utf8')]))
    .digest('base64');
}

/** How far a token's Created may be from the camera's own clock (replay protection). */
const MAX_TOKEN_AGE_MS = 10 * 60_000;

export function verifyUsernameToken(token: UsernameToken, credentials: Credentials, cameraNowMs: number): boolean {
  if (token.username !== credentials.username) return false;
  if (token.passwordType === 'text') return token.password === credentials.password;
  if (!token.nonce || !token.created) return false;
  const created = Date.parse(token.created);
  if (Number.isNaN(created) || Math.abs(cameraNowMs - created) > MAX_TOKEN_AGE_MS) return false;
  return passwordDigest(token.nonce, token.created, credentials.password) === token.password;
}

export const NAMESPACES = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  ter: 'http://www.onvif.org/ver10/error',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
};

export function envelope(bodyXml: string): string {
  const declarations = Object.entries(NAMESPACES)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope ${declarations}><s:Body>${bodyXml}</s:Body></s:Envelope>`;
}

/** A SOAP 1.2 fault; `subcode` may name nested levels, outermost first (`ter:InvalidArgVal/ter:NoToken`). */
export function soapFault(code: 'Sender' | 'Receiver', subcode: string, reason: string): string {
  const levels = subcode.split('/');
  const subcodes = levels.map((level) => `<s:Subcode><s:Value>${level}</s:Value>`).join('') + '</s:Subcode>'.repeat(levels.length);
  return envelope(
    `<s:Fault><s:Code><s:Value>s:${code}</s:Value>${subcodes}</s:Code>` + `<s:Reason><s:Text xml:lang="en">${escapeXml(reason)}</s:Text></s:Reason></s:Fault>`,
  );
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Reads `x`/`y` (PanTilt) and `x` (Zoom) attributes of a PTZVector-like element. */
export function readVector(node: unknown): { pan?: number; tilt?: number; zoom?: number } {
  const panTilt = child(node, 'PanTilt') as XmlNode | undefined;
  const zoom = child(node, 'Zoom') as XmlNode | undefined;
  const number = (value: unknown) => (value === undefined ? undefined : Number(value));
  const vector: { pan?: number; tilt?: number; zoom?: number } = {};
  const pan = number(panTilt?.['@x']);
  const tilt = number(panTilt?.['@y']);
  const zoomValue = number(zoom?.['@x']);
  if (pan !== undefined && !Number.isNaN(pan)) vector.pan = pan;
  if (tilt !== undefined && !Number.isNaN(tilt)) vector.tilt = tilt;
  if (zoomValue !== undefined && !Number.isNaN(zoomValue)) vector.zoom = zoomValue;
  return vector;
}

/** xs:duration as ONVIF uses it for timeouts (PT5S, PT1.5S, PT1M). */
export function parseDurationMs(value: string | undefined): number | undefined {
  const match = value ? /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value) : null;
  if (!match) return undefined;
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
}
