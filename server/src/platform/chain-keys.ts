// The keys of the hash chains (issue 11, LEGAL 10), kept in files outside the database so that
// someone who can write the database cannot recompute a chain after editing it:
// - the chain key (32 random bytes): HMAC-SHA-256 of audit rows and recorded segments. Its file
//   also records where keyed hashing starts (the audit seq and segment id reached when the key
//   was created): rows up to there were hashed with plain SHA-256 and still verify, and since
//   the boundary is not in the database, nobody can move it to pass rewritten rows as old ones;
// - the signing key (Ed25519): signs the checkpoints of the chain heads.
// Both are created on first start with mode 0600, written whole then linked into place, so a
// second process starting at the same time reads a complete file or creates none.
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where keyed hashing starts: rows at or below these were chained with plain SHA-256. */
export interface LegacyBoundary {
  readonly auditThroughSeq: number;
  readonly segmentsThroughId: number;
  /**
   * The statutory register's newest seq when its chain began (issue 13): rows up to there were
   * chained by their migration with plain SHA-256. A key file written before the register was
   * chained lacks it: it is added once, at the first start that reads the file (see below).
   */
  readonly registerThroughSeq?: number;
}

/** One chain's MAC: a subkey of the chain key, so that an audit hash never passes for a segment's. */
export interface ChainMac {
  /** Short public fingerprint of the key (checkpoints name it; a restored key that differs shows). */
  readonly keyId: string;
  /** Rows at or below this seq (audit) or id (segments) were hashed without a key. */
  readonly legacyThrough: number;
  mac(message: string): string;
}

export interface CheckpointSigner {
  readonly keyId: string;
  /** SPKI PEM, for whoever checks checkpoints elsewhere (the webhook's receiver). */
  readonly publicKeyPem: string;
  sign(message: string): string;
  verify(message: string, signature: string): boolean;
  /** The raw 32-byte Ed25519 public key (evidence packages give it in minisign format). */
  readonly publicKeyRaw: Buffer;
  /** Ed25519 signature (64 bytes) of raw bytes: the evidence packages' minisign signatures. */
  signBytes(data: Buffer): Buffer;
}

export interface ChainKeys {
  readonly audit: ChainMac;
  readonly segments: ChainMac;
  readonly register: ChainMac;
  /** The logbook's chain (issue 14): a table born keyed, so nothing below its boundary 0 is plain. */
  readonly logbook: ChainMac;
  readonly signer: CheckpointSigner;
}

/** Creates `path` with `content` (0600) unless it exists; never leaves a half-written file there. */
function createOnce(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** Replaces `path` with `content` (0600) in one rename: a reader sees the old file or the new one. */
function replaceWhole(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function readPrivate(path: string): string {
  if (statSync(path).mode & 0o077) chmodSync(path, 0o600);
  return readFileSync(path, 'utf8');
}

const fingerprint = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

export function chainMac(key: Buffer, purpose: 'audit' | 'segments' | 'register' | 'logbook', legacyThrough: number): ChainMac {
  const subkey = createHmac('sha256', key).update(`vigie chain key: ${purpose}`).digest();
  return {
    keyId: fingerprint(createHmac('sha256', subkey).update('key id').digest()),
    legacyThrough,
    mac: (message) => createHmac('sha256', subkey).update(message).digest('hex'),
  };
}

export function checkpointSigner(privateKey: KeyObject): CheckpointSigner {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: fingerprint(publicKey.export({ type: 'spki', format: 'der' })),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    // The SPKI DER of an Ed25519 key ends with the 32 raw bytes.
    publicKeyRaw: publicKey.export({ type: 'spki', format: 'der' }).subarray(-32),
    signBytes: (data) => sign(null, data, privateKey),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
    verify: (message, signature) => {
      try {
        return verify(null, Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

interface ChainKeyFile {
  version: 1;
  key: string;
  createdAt: string;
  legacy: LegacyBoundary;
}

function parseChainKeyFile(path: string, text: string): ChainKeyFile {
  let parsed: Partial<ChainKeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<ChainKeyFile>;
  } catch {
    throw new Error(`VIGIE_CHAIN_KEY_FILE: ${path} is not a Vigie chain key file (JSON)`);
  }
  const key = Buffer.from(parsed.key ?? '', 'base64');
  const legacy = parsed.legacy;
  if (
    parsed.version !== 1 ||
    key.length !== 32 ||
    !legacy ||
    !Number.isSafeInteger(legacy.auditThroughSeq) ||
    !Number.isSafeInteger(legacy.segmentsThroughId)
  ) {
    throw new Error(`VIGIE_CHAIN_KEY_FILE: ${path} must hold version 1, a 32-byte key in base64 and the legacy boundary`);
  }
  return parsed as ChainKeyFile;
}

/**
 * Loads the chain and signing keys, creating them on first start. `legacyBoundary` is asked
 * only when the chain key is created: the newest audit seq and segment id at that moment.
 */
export async function loadOrCreateChainKeys(
  paths: { chainKeyFile: string; signingKeyFile: string },
  legacyBoundary: () => Promise<LegacyBoundary>,
  now: () => Date = () => new Date(),
): Promise<ChainKeys> {
  if (!exists(paths.chainKeyFile)) {
    const boundary = await legacyBoundary();
    const legacy = { ...boundary, registerThroughSeq: boundary.registerThroughSeq ?? 0 };
    const file: ChainKeyFile = { version: 1, key: randomBytes(32).toString('base64'), createdAt: now().toISOString(), legacy };
    createOnce(paths.chainKeyFile, `${JSON.stringify(file)}\n`);
  }
  if (!exists(paths.signingKeyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    createOnce(paths.signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  let file = parseChainKeyFile(paths.chainKeyFile, readPrivate(paths.chainKeyFile));
  if (!Number.isSafeInteger(file.legacy.registerThroughSeq)) {
    // A key older than the register's chain: its boundary is the register's end now (the rows the
    // migration chained), written into the key file once (whole, then renamed over it).
    file = { ...file, legacy: { ...file.legacy, registerThroughSeq: (await legacyBoundary()).registerThroughSeq ?? 0 } };
    replaceWhole(paths.chainKeyFile, `${JSON.stringify(file)}\n`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readPrivate(paths.signingKeyFile));
  } catch {
    throw new Error(`VIGIE_SIGNING_KEY_FILE: ${paths.signingKeyFile} must hold an Ed25519 private key (PKCS#8 PEM)`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`VIGIE_SIGNING_KEY_FILE: ${paths.signingKeyFile} must hold an Ed25519 private key`);
  const key = Buffer.from(file.key, 'base64');
  return {
    audit: chainMac(key, 'audit', file.legacy.auditThroughSeq),
    segments: chainMac(key, 'segments', file.legacy.segmentsThroughId),
    register: chainMac(key, 'register', file.legacy.registerThroughSeq ?? 0),
    logbook: chainMac(key, 'logbook', 0),
    signer: checkpointSigner(privateKey),
  };
}
