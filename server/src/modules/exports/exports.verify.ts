// `./vigie export verify <zip|folder> [--key minisign.pub]` (issue 13 item 5): checks an evidence
// package offline, with no database and no server: the manifest's minisign signature against
// the included public key (and an expected key when given), every manifest line's hash, no file
// missing or unlisted, journal.json against its schema and against the files (each item's file,
// size and SHA-256), and the structure of every MP4 (ftyp first, moov present, top-level boxes
// walking exactly to the end of the file). Every check is reported; `ok` only when all hold.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { openPromise, type Entry } from 'yauzl';
import { journalSchema, packageFiles } from './exports.journal.ts';
import { minisignVerify, parseMinisignPublicKey } from './exports.minisign.ts';
import { unlistedFiles } from './exports.package.ts';

export interface VerifyLine {
  ok: boolean;
  /** A warning does not fail the verification. */
  warning?: boolean;
  fr: string;
  en: string;
}

export interface VerifyReport {
  ok: boolean;
  lines: VerifyLine[];
}

interface ScannedFile {
  sha256: string;
  bytes: number;
  /** Kept for the small text files (manifest, signature, key, journal). */
  content?: Buffer;
  /** MP4 files: the top-level boxes, or the structural problem. */
  boxes?: { types: string[]; problem: string | null };
}

/** Walks top-level ISO BMFF boxes as bytes stream by: each header's size must land exactly on the next box or the end. */
export class BoxWalker {
  readonly types: string[] = [];
  private header = Buffer.alloc(0);
  private remaining = 0;
  private toEnd = false;
  private problem: string | null = null;

  push(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length && !this.problem) {
      if (this.toEnd) return;
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, chunk.length - position);
        this.remaining -= skip;
        position += skip;
        continue;
      }
      const need = this.header.length >= 8 && this.header.readUInt32BE(0) === 1 ? 16 : 8;
      const take = Math.min(need - this.header.length, chunk.length - position);
      this.header = Buffer.concat([this.header, chunk.subarray(position, position + take)]);
      position += take;
      if (this.header.length === 8 && this.header.readUInt32BE(0) === 1) continue; // 64-bit size follows
      if (this.header.length < need) continue;
      const type = this.header.subarray(4, 8).toString('latin1');
      const size32 = this.header.readUInt32BE(0);
      const size = size32 === 1 ? Number(this.header.readBigUInt64BE(8)) : size32;
      if (!/^[\x20-\x7e]{4}$/.test(type)) this.problem = `invalid box type at box ${this.types.length + 1}`;
      else if (size32 === 0) this.toEnd = true;
      else if (size < need) this.problem = `box "${type}" declares ${size} bytes, less than its header`;
      this.types.push(type);
      this.remaining = Math.max(0, size - need);
      this.header = Buffer.alloc(0);
    }
  }

  finish(): { types: string[]; problem: string | null } {
    let problem = this.problem;
    if (!problem && this.remaining > 0) problem = `box "${this.types.at(-1)}" overruns the end of the file by ${this.remaining} bytes`;
    if (!problem && this.header.length > 0) problem = `${this.header.length} trailing bytes after the last box`;
    if (!problem && this.types[0] !== 'ftyp') problem = `first box is "${this.types[0] ?? 'none'}", not "ftyp"`;
    if (!problem && !this.types.includes('moov')) problem = 'no "moov" box';
    if (!problem && !this.types.includes('mdat')) problem = 'no "mdat" box';
    return { types: this.types, problem };
  }
}

const KEEP_CONTENT = new Set<string>([packageFiles.manifest, packageFiles.signature, packageFiles.publicKey, packageFiles.journal]);

async function scan(name: string, stream: Readable): Promise<ScannedFile> {
  const hash = createHash('sha256');
  const walker = name.endsWith('.mp4') ? new BoxWalker() : null;
  const kept: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    walker?.push(buffer);
    if (KEEP_CONTENT.has(name) && bytes <= 64 * 1024 * 1024) kept.push(buffer);
  }
  return { sha256: hash.digest('hex'), bytes, content: KEEP_CONTENT.has(name) ? Buffer.concat(kept) : undefined, boxes: walker?.finish() };
}

async function scanFolder(root: string): Promise<Map<string, ScannedFile>> {
  const files = new Map<string, ScannedFile>();
  const walk = async (directory: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.isFile()) {
        const name = relative(root, path).split(sep).join('/');
        files.set(name, await scan(name, createReadStream(path)));
      }
    }
  };
  await walk(root, 0);
  return files;
}

async function scanZip(path: string): Promise<Map<string, ScannedFile>> {
  const zip = await openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: true });
  const files = new Map<string, ScannedFile>();
  try {
    const entries: Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      files.set(entry.fileName, await scan(entry.fileName, await zip.openReadStreamPromise(entry)));
    }
  } finally {
    zip.close();
  }
  return files;
}

/** Verifies a package (a ZIP or its unzipped folder); `expectedKey` is the text of a minisign public key the package should be signed with. */
export async function verifyPackage(path: string, options: { expectedKey?: string } = {}): Promise<VerifyReport> {
  const lines: VerifyLine[] = [];
  const pass = (fr: string, en: string) => lines.push({ ok: true, fr, en });
  const fail = (fr: string, en: string) => lines.push({ ok: false, fr, en });
  let files: Map<string, ScannedFile>;
  try {
    files = (await stat(path)).isDirectory() ? await scanFolder(path) : await scanZip(path);
  } catch (error) {
    fail(`Paquet illisible : ${(error as Error).message}`, `Unreadable package: ${(error as Error).message}`);
    return { ok: false, lines };
  }
  pass(`${files.size} fichier(s) lus`, `${files.size} file(s) read`);
  const text = (name: string) => files.get(name)?.content?.toString('utf8');
  for (const name of [packageFiles.manifest, packageFiles.signature, packageFiles.publicKey, packageFiles.journal])
    if (!files.has(name)) fail(`Fichier absent : ${name}`, `Missing file: ${name}`);

  // The signature.
  const manifest = files.get(packageFiles.manifest)?.content;
  const includedText = text(packageFiles.publicKey);
  const included = includedText === undefined ? 'missing' : parseMinisignPublicKey(includedText);
  let key = included;
  if (options.expectedKey !== undefined) {
    const expected = parseMinisignPublicKey(options.expectedKey);
    if (typeof expected === 'string') fail(`Clé attendue illisible : ${expected}`, `Expected key unreadable: ${expected}`);
    else {
      if (typeof included === 'string' || !included.key.equals(expected.key))
        lines.push({
          ok: true,
          warning: true,
          fr: 'ATTENTION : la clé publique incluse n’est pas la clé attendue',
          en: 'WARNING: the included public key is not the expected one',
        });
      key = expected;
    }
  }
  const signatureText = text(packageFiles.signature);
  if (typeof key === 'string') fail(`Clé publique : ${key}`, `Public key: ${key}`);
  else if (manifest && signatureText !== undefined) {
    const checked = minisignVerify(key, manifest, signatureText);
    if (checked.ok) pass(`Signature minisign du manifeste valide (${checked.trustedComment})`, `Manifest minisign signature valid (${checked.trustedComment})`);
    else fail(`Signature du manifeste invalide : ${checked.problem}`, `Manifest signature invalid: ${checked.problem}`);
  }

  // The manifest against the files.
  const listed = new Map<string, string>();
  if (manifest) {
    let malformed = 0;
    for (const line of manifest.toString('utf8').split('\n')) {
      if (line === '') continue;
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (!match) malformed += 1;
      else listed.set(match[2]!, match[1]!);
    }
    if (malformed > 0) fail(`${malformed} ligne(s) du manifeste mal formée(s)`, `${malformed} malformed manifest line(s)`);
    let matching = 0;
    for (const [name, sha256] of listed) {
      const file = files.get(name);
      if (!file) fail(`Fichier du manifeste absent : ${name}`, `File listed in the manifest is missing: ${name}`);
      else if (file.sha256 !== sha256) fail(`Empreinte SHA-256 différente : ${name}`, `SHA-256 mismatch: ${name}`);
      else matching += 1;
    }
    if (matching === listed.size && listed.size > 0)
      pass(`${matching} empreinte(s) SHA-256 conformes au manifeste`, `${matching} SHA-256 hash(es) match the manifest`);
    for (const name of files.keys())
      if (!listed.has(name) && !unlistedFiles.has(name)) fail(`Fichier hors manifeste : ${name}`, `File not in the manifest: ${name}`);
  }

  // The journal.
  const journalText = text(packageFiles.journal);
  if (journalText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(journalText);
    } catch {
      parsed = undefined;
    }
    const journal = journalSchema.safeParse(parsed);
    if (!journal.success)
      fail(
        `Journal non conforme à son schéma : ${journal.error.issues
          .slice(0, 3)
          .map((issue) => issue.path.join('.'))
          .join(', ')}`,
        'Journal does not match its schema',
      );
    else {
      pass(
        `Journal conforme (${journal.data.items.length} vidéo(s), paquet ${journal.data.packageId})`,
        `Journal valid (${journal.data.items.length} video(s), package ${journal.data.packageId})`,
      );
      if (includedText !== undefined && createHash('sha256').update(includedText).digest('hex') !== journal.data.signature.publicKeySha256)
        fail('L’empreinte de la clé publique ne correspond pas au journal', 'The public key fingerprint does not match the journal');
      for (const item of journal.data.items) {
        const file = files.get(item.file);
        if (!file) fail(`Vidéo du journal absente : ${item.file}`, `Video named in the journal is missing: ${item.file}`);
        else if (file.sha256 !== item.sha256 || file.bytes !== item.bytes)
          fail(`Vidéo différente du journal (taille ou SHA-256) : ${item.file}`, `Video differs from the journal (size or SHA-256): ${item.file}`);
        else pass(`Vidéo conforme au journal : ${item.file}`, `Video matches the journal: ${item.file}`);
      }
    }
  }

  // MP4 structure.
  for (const [name, file] of files) {
    if (!file.boxes) continue;
    if (file.boxes.problem) fail(`Structure MP4 invalide : ${name} (${file.boxes.problem})`, `Invalid MP4 structure: ${name} (${file.boxes.problem})`);
    else pass(`Structure MP4 valide : ${name} (${file.boxes.types.join(' ')})`, `Valid MP4 structure: ${name} (${file.boxes.types.join(' ')})`);
  }
  return { ok: lines.every((line) => line.ok), lines };
}

/** The command: prints each check (French / English) and returns the exit code. */
export async function exportVerifyCommand(args: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const keyAt = args.indexOf('--key');
  const keyPath = keyAt >= 0 ? args[keyAt + 1] : undefined;
  const target = args.filter((_, index) => keyAt < 0 || (index !== keyAt && index !== keyAt + 1))[0];
  if (!target || (keyAt >= 0 && !keyPath)) {
    print('usage: ./vigie export verify <paquet.zip|dossier> [--key <minisign.pub attendue>]');
    return 2;
  }
  const report = await verifyPackage(target, { expectedKey: keyPath ? await readFile(keyPath, 'utf8') : undefined });
  for (const line of report.lines) print(`${line.warning ? 'ATTENTION' : line.ok ? 'OK' : 'ÉCHEC / FAIL'}\t${line.fr} / ${line.en}`);
  const failures = report.lines.filter((line) => !line.ok).length;
  print(report.ok ? 'Paquet vérifié : tout est conforme / package verified: everything holds' : `${failures} échec(s) / failure(s)`);
  return report.ok ? 0 : 1;
}
