// HTTP Digest authentication (RFC 2617 MD5, RFC 7616 SHA-256, with or without qop=auth) as IP
// cameras do it for RTSP and HTTP. Nonces are stateless: a timestamp signed with a per-server secret, so a
// camera needs no table of issued nonces and stale ones are recognised.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

/** Long, as cameras do, so that a recorder's keep-alives seldom need a new challenge. */
const NONCE_LIFETIME_MS = 60 * 60_000;

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function hashOf(algorithm: DigestAlgorithm): (text: string) => string {
  return algorithm === 'SHA-256' ? (text) => createHash('sha256').update(text).digest('hex') : md5;
}

export class DigestAuthenticator {
  private readonly secret: Buffer;

  constructor(
    readonly realm: string,
    secret: Buffer = randomBytes(16),
    private readonly now: () => number = Date.now,
    readonly algorithm: DigestAlgorithm = 'MD5',
  ) {
    this.secret = secret;
  }

  issueNonce(): string {
    const issuedAt = this.now().toString(16);
    return `${issuedAt}${this.sign(issuedAt)}`;
  }

  private sign(issuedAt: string): string {
    return createHmac('sha256', this.secret).update(issuedAt).digest('hex').slice(0, 24);
  }

  isNonceValid(nonce: string): boolean {
    return this.isNonceAuthentic(nonce) && this.now() - parseInt(nonce.slice(0, -24), 16) < NONCE_LIFETIME_MS;
  }

  private isNonceAuthentic(nonce: string): boolean {
    const issuedAt = nonce.slice(0, -24);
    return /^[0-9a-f]+$/.test(issuedAt) && this.sign(issuedAt) === nonce.slice(-24);
  }

  /**
   * The challenge to send after a refusal. `stale=TRUE` (RFC 2617 3.2.1) tells a client whose
   * nonce merely expired to answer again with the same credentials, without asking its user.
   */
  challenge(refusedAuthorization?: string): string {
    const nonce = parseAuthorizationFields(refusedAuthorization ?? '')?.nonce;
    const stale = nonce !== undefined && this.isNonceAuthentic(nonce) && !this.isNonceValid(nonce);
    return `Digest realm="${this.realm}", nonce="${this.issueNonce()}", algorithm="${this.algorithm}"${stale ? ', stale=TRUE' : ''}`;
  }

  /** True when the Authorization header proves knowledge of the credentials. */
  verify(authorization: string | undefined, method: string, credentials: Credentials): boolean {
    if (!authorization) return false;
    if (/^basic /i.test(authorization)) return false;
    const fields = parseAuthorizationFields(authorization);
    if (!fields || fields.username !== credentials.username || fields.realm !== this.realm) return false;
    if (!fields.nonce || !fields.uri || !fields.response || !this.isNonceValid(fields.nonce)) return false;
    if ((fields.algorithm ?? 'MD5').toUpperCase() !== this.algorithm) return false;
    return (
      fields.response.toLowerCase() ===
      digestResponse(
        { ...credentials, realm: this.realm, method, uri: fields.uri, nonce: fields.nonce, qop: fields.qop, nc: fields.nc, cnonce: fields.cnonce },
        this.algorithm,
      )
    );
  }
}

export interface DigestInput extends Credentials {
  realm: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string | undefined;
  nc?: string | undefined;
  cnonce?: string | undefined;
}

export function digestResponse(input: DigestInput, algorithm: DigestAlgorithm = 'MD5'): string {
  const hash = hashOf(algorithm);
  const ha1 = hash(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = hash(`${input.method}:${input.uri}`);
  if (input.qop === 'auth') return hash(`${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:auth:${ha2}`);
  return hash(`${ha1}:${input.nonce}:${ha2}`);
}

/** Parses `Digest a="b", c=d` (values quoted or not) into a map; undefined if not Digest. */
export function parseAuthorizationFields(header: string): Record<string, string> | undefined {
  const match = /^\s*digest\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  const pattern = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const part of (match[1] ?? '').matchAll(pattern)) {
    fields[(part[1] ?? '').toLowerCase()] = part[2] ?? part[3] ?? '';
  }
  return fields;
}

/** Client side: answers a `WWW-Authenticate: Digest ...` challenge (used by tests and the bench). */
export function authorizationFor(challenge: string, credentials: Credentials, method: string, uri: string): string {
  const fields = parseAuthorizationFields(challenge);
  if (!fields?.nonce || fields.realm === undefined) throw new Error('not a Digest challenge');
  const qop = fields.qop
    ?.split(',')
    .map((value) => value.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const nc = '00000001';
  const cnonce = randomBytes(8).toString('hex');
  const response = digestResponse({ ...credentials, realm: fields.realm, method, uri, nonce: fields.nonce, qop, nc, cnonce });
  const parts = [`username="${credentials.username}"`, `realm="${fields.realm}"`, `nonce="${fields.nonce}"`, `uri="${uri}"`, `response="${response}"`];
  if (qop) parts.push(`qop=auth`, `nc=${nc}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(', ')}`;
}
