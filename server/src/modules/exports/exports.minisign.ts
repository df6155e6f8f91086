// The minisign format (https://jedisct1.github.io/minisign/), written with node:crypto so that
// the standard `minisign -V` verifies an evidence package's manifest: Ed25519 over the file's
// BLAKE2b-512 (the prehashed "ED" algorithm), then a global signature over the signature and the
// trusted comment. Public key: `Ed` || key id (8 bytes) || key (32); signature: `ED` || key id ||
// signature (64). The key id is the first 8 bytes of the key's BLAKE2b-512; minisign shows it as
// the little-endian 64-bit number in upper-case hex.
import { createHash, createPublicKey, verify } from 'node:crypto';

export interface RawSigner {
  readonly publicKeyRaw: Buffer;
  signBytes(data: Buffer): Buffer;
}

const blake2b = (data: Buffer | string) => createHash('blake2b512').update(data).digest();

export function minisignKeyId(publicKeyRaw: Buffer): Buffer {
  return blake2b(publicKeyRaw).subarray(0, 8);
}

/** How minisign prints a key id: the 8 bytes as a little-endian number, upper-case hex. */
export function keyIdHex(keyId: Buffer): string {
  return Buffer.from(keyId).reverse().toString('hex').toUpperCase();
}

export function minisignPublicKey(publicKeyRaw: Buffer): string {
  const keyId = minisignKeyId(publicKeyRaw);
  const body = Buffer.concat([Buffer.from('Ed'), keyId, publicKeyRaw]);
  return `untrusted comment: minisign public key ${keyIdHex(keyId)}\n${body.toString('base64')}\n`;
}

/** The `.minisig` text of `data`. Comments are single lines (line breaks become spaces). */
export function minisignSign(signer: RawSigner, data: Buffer, trustedComment: string, untrustedComment = 'signature from Vigie'): string {
  const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');
  const keyId = minisignKeyId(signer.publicKeyRaw);
  const signature = signer.signBytes(blake2b(data));
  const trusted = oneLine(trustedComment);
  const global = signer.signBytes(Buffer.concat([signature, Buffer.from(trusted, 'utf8')]));
  return [
    `untrusted comment: ${oneLine(untrustedComment)}`,
    Buffer.concat([Buffer.from('ED'), keyId, signature]).toString('base64'),
    `trusted comment: ${trusted}`,
    global.toString('base64'),
    '',
  ].join('\n');
}

export interface ParsedPublicKey {
  keyId: Buffer;
  key: Buffer;
}

export function parseMinisignPublicKey(text: string): ParsedPublicKey | string {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const encoded = lines.find((line) => !line.startsWith('untrusted comment:'));
  const bytes = Buffer.from(encoded ?? '', 'base64');
  if (bytes.length !== 42 || bytes.subarray(0, 2).toString('latin1') !== 'Ed') return 'not a minisign Ed25519 public key';
  return { keyId: bytes.subarray(2, 10), key: bytes.subarray(10) };
}

const ed25519Prefix = Buffer.from('302a300506032b6570032100', 'hex');
const edVerify = (key: Buffer, message: Buffer, signature: Buffer) => {
  try {
    return verify(null, message, createPublicKey({ key: Buffer.concat([ed25519Prefix, key]), format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
};

export type MinisignCheck = { ok: true; trustedComment: string } | { ok: false; problem: string };

/** Checks a `.minisig` against `data` and a public key, as `minisign -V` does (prehashed signatures only). */
export function minisignVerify(publicKey: ParsedPublicKey, data: Buffer, signatureText: string): MinisignCheck {
  const lines = signatureText.split(/\r?\n/);
  if (lines.length < 4 || !lines[0]!.startsWith('untrusted comment:') || !lines[2]!.startsWith('trusted comment: '))
    return { ok: false, problem: 'malformed signature file' };
  const signatureBlock = Buffer.from(lines[1]!, 'base64');
  if (signatureBlock.length !== 74) return { ok: false, problem: 'malformed signature line' };
  const algorithm = signatureBlock.subarray(0, 2).toString('latin1');
  if (algorithm !== 'ED') return { ok: false, problem: `unsupported signature algorithm ${JSON.stringify(algorithm)} (prehashed ED expected)` };
  if (!signatureBlock.subarray(2, 10).equals(publicKey.keyId)) return { ok: false, problem: 'signed by another key (key id differs)' };
  const signature = signatureBlock.subarray(10);
  if (!edVerify(publicKey.key, blake2b(data), signature)) return { ok: false, problem: 'signature does not match the file' };
  const trusted = lines[2]!.slice('trusted comment: '.length);
  const global = Buffer.from(lines[3]!, 'base64');
  if (!edVerify(publicKey.key, Buffer.concat([signature, Buffer.from(trusted, 'utf8')]), global))
    return { ok: false, problem: 'global signature does not match the trusted comment' };
  return { ok: true, trustedComment: trusted };
}
