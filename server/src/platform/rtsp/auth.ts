// RTSP authentication as cameras do it: HTTP Digest (RFC 2617, RFC 7616: MD5 and SHA-256,
// their -sess variants, qop=auth or none, nonce counting) and Basic, picked from the
// WWW-Authenticate challenges of a 401 (Digest SHA-256, then Digest MD5, then Basic).
import { createHash, randomBytes } from 'node:crypto';

export interface RtspCredentials {
  username: string;
  password: string;
}

export interface AuthChallenge {
  /** Lower case: 'digest', 'basic', or what the server named. */
  scheme: string;
  /** Parameter names in lower case, values unquoted. */
  params: Record<string, string>;
}

/**
 * Parses WWW-Authenticate values; one value may hold several challenges
 * (`Digest realm="a", nonce="b", Basic realm="a"`), and the field may be repeated.
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of values) {
    let index = 0;
    let current: AuthChallenge | undefined;
    while (index < value.length) {
      while (index < value.length && (value[index] === ' ' || value[index] === ',' || value[index] === '\t')) index += 1;
      const tokenMatch = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/.exec(value.slice(index));
      if (!tokenMatch) break;
      const token = tokenMatch[0];
      index += token.length;
      let look = index;
      while (value[look] === ' ' || value[look] === '\t') look += 1;
      if (value[look] === '=' && current) {
        // auth-param: name=token or name="quoted string"
        index = look + 1;
        while (value[index] === ' ' || value[index] === '\t') index += 1;
        let paramValue = '';
        if (value[index] === '"') {
          index += 1;
          while (index < value.length && value[index] !== '"') {
            if (value[index] === '\\' && index + 1 < value.length) index += 1;
            paramValue += value[index];
            index += 1;
          }
          index += 1;
        } else {
          const end = value.slice(index).search(/[,\s]/);
          paramValue = end < 0 ? value.slice(index) : value.slice(index, index + end);
          index += paramValue.length;
        }
        current.params[token.toLowerCase()] = paramValue;
      } else {
        current = { scheme: token.toLowerCase(), params: {} };
        challenges.push(current);
      }
    }
  }
  return challenges;
}

type DigestHash = 'md5' | 'sha256';

function digestAlgorithm(name: string | undefined): { hash: DigestHash; session: boolean; name: string } | undefined {
  switch ((name ?? 'MD5').toUpperCase()) {
    case 'MD5':
      return { hash: 'md5', session: false, name: 'MD5' };
    case 'MD5-SESS':
      return { hash: 'md5', session: true, name: 'MD5-sess' };
    case 'SHA-256':
      return { hash: 'sha256', session: false, name: 'SHA-256' };
    case 'SHA-256-SESS':
      return { hash: 'sha256', session: true, name: 'SHA-256-sess' };
    default:
      return undefined;
  }
}

/** The challenge to answer: Digest SHA-256, then Digest MD5, then Basic; undefined if none is supported. */
export function chooseChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  const digests = challenges.filter((challenge) => challenge.scheme === 'digest' && challenge.params.nonce !== undefined);
  const supported = digests.filter((challenge) => digestAlgorithm(challenge.params.algorithm) !== undefined);
  return (
    supported.find((challenge) => digestAlgorithm(challenge.params.algorithm)!.hash === 'sha256') ??
    supported[0] ??
    challenges.find((challenge) => challenge.scheme === 'basic')
  );
}

const hex = (hash: DigestHash, text: string): string => createHash(hash).update(text, 'utf8').digest('hex');

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** Builds Authorization headers for one challenge; counts nonce uses (nc) as RFC 7616 asks. */
export class Authenticator {
  private nonceCount = 0;
  readonly stale: boolean;

  constructor(
    private readonly credentials: RtspCredentials,
    private readonly challenge: AuthChallenge,
    private readonly newCnonce: () => string = () => randomBytes(16).toString('hex'),
  ) {
    this.stale = challenge.params.stale?.toLowerCase() === 'true';
  }

  get scheme(): string {
    return this.challenge.scheme;
  }

  /** The Authorization value for a request with no body (RTSP requests of a client have none). */
  header(method: string, uri: string): string {
    const { username, password } = this.credentials;
    if (this.challenge.scheme === 'basic') return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    const params = this.challenge.params;
    const algorithm = digestAlgorithm(params.algorithm);
    if (!algorithm) throw new Error(`unsupported digest algorithm ${params.algorithm}`);
    const realm = params.realm ?? '';
    const nonce = params.nonce ?? '';
    const qops = (params.qop ?? '').split(',').map((qop) => qop.trim().toLowerCase());
    const qop = qops.includes('auth') ? 'auth' : qops.includes('auth-int') ? 'auth-int' : undefined;
    const needsCnonce = qop !== undefined || algorithm.session;
    const cnonce = needsCnonce ? this.newCnonce() : undefined;
    let ha1 = hex(algorithm.hash, `${username}:${realm}:${password}`);
    if (algorithm.session) ha1 = hex(algorithm.hash, `${ha1}:${nonce}:${cnonce}`);
    // auth-int hashes the entity body: ours is always empty.
    const ha2 = hex(algorithm.hash, qop === 'auth-int' ? `${method}:${uri}:${hex(algorithm.hash, '')}` : `${method}:${uri}`);
    let response: string;
    let nc: string | undefined;
    if (qop) {
      this.nonceCount += 1;
      nc = this.nonceCount.toString(16).padStart(8, '0');
      response = hex(algorithm.hash, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    } else {
      response = hex(algorithm.hash, `${ha1}:${nonce}:${ha2}`);
    }
    const userhash = params.userhash?.toLowerCase() === 'true';
    const fields = [
      `username=${quote(userhash ? hex(algorithm.hash, `${username}:${realm}`) : username)}`,
      `realm=${quote(realm)}`,
      `nonce=${quote(nonce)}`,
      `uri=${quote(uri)}`,
      `response=${quote(response)}`,
    ];
    if (params.algorithm !== undefined) fields.push(`algorithm=${algorithm.name}`);
    if (params.opaque !== undefined) fields.push(`opaque=${quote(params.opaque)}`);
    if (qop) fields.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce!)}`);
    else if (cnonce) fields.push(`cnonce=${quote(cnonce)}`);
    if (userhash) fields.push('userhash=true');
    return `Digest ${fields.join(', ')}`;
  }
}
