// Signed checkpoints of the chain heads (issue 11, LEGAL 10). A keyed chain stops whoever can
// write the database from recomputing hashes; it does not stop them from cutting the chain's
// end and rewinding the head to an earlier, genuine row. So the worker role regularly writes
// the heads (audit seq and hash, each camera's newest segment), signed with the installation's
// Ed25519 key, as one JSON line appended to a file outside the database's folder, and can push
// the same line to a webhook (a copy on another machine). `audit verify` and `recordings
// verify` then check that every checkpoint is genuine and that the chains still hold what
// each one recorded.
import { appendFile, chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChainKeys, CheckpointSigner } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { canonicalJson } from './audit.chain.ts';

export const CHECKPOINT_FILE = 'checkpoints.jsonl';
export const PUBLIC_KEY_FILE = 'signing-key.pub.pem';

/** Each camera's chain head at checkpoint time: camera, segment id, chain hash. */
export type CheckpointedRecordingHead = [cameraId: string, segmentId: number, chainHash: string];

export interface CheckpointBody {
  v: 1;
  at: string;
  /** Fingerprints of the keys: the signing key, and the chain keys the heads were hashed with. */
  keys: { signing: string; audit: string; segments: string };
  audit: { seq: number; hash: string; anchorSeq: number };
  recordings: CheckpointedRecordingHead[];
  /** The statutory register's chain head (issue 13): absent from checkpoints written before it was signed. */
  register?: CheckpointedRegisterHead;
}

/** The statutory register chain's newest row: its seq and hash. */
export interface CheckpointedRegisterHead {
  seq: number;
  hash: string;
}

export interface Checkpoint extends CheckpointBody {
  signature: string;
}

export interface CheckpointFileProblem {
  /** 1-based line of the checkpoint file. */
  line: number;
  message: string;
}

export interface CheckpointReading {
  file: string;
  /** Genuine checkpoints (signature sound), in file order, with their line. */
  checkpoints: (Checkpoint & { line: number })[];
  /** Lines that are not genuine checkpoints: edited by hand, forged, truncated. */
  problems: CheckpointFileProblem[];
}

const isHex64 = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

function wellFormed(value: unknown): value is Checkpoint {
  const candidate = value as Partial<Checkpoint> | null;
  return (
    !!candidate &&
    candidate.v === 1 &&
    typeof candidate.at === 'string' &&
    typeof candidate.signature === 'string' &&
    !!candidate.keys &&
    typeof candidate.keys.signing === 'string' &&
    typeof candidate.keys.audit === 'string' &&
    typeof candidate.keys.segments === 'string' &&
    !!candidate.audit &&
    isCount(candidate.audit.seq) &&
    isHex64(candidate.audit.hash) &&
    isCount(candidate.audit.anchorSeq) &&
    Array.isArray(candidate.recordings) &&
    candidate.recordings.every((head) => Array.isArray(head) && head.length === 3 && typeof head[0] === 'string' && isCount(head[1]) && isHex64(head[2])) &&
    (candidate.register === undefined || (isCount(candidate.register.seq) && isHex64(candidate.register.hash)))
  );
}

/** What is signed: the canonical JSON of every field but the signature. */
function signedText(body: CheckpointBody): string {
  const { v, at, keys, audit, recordings, register } = body;
  // The register head is signed where present; checkpoints written before it existed verify as they were signed.
  return canonicalJson(register === undefined ? { v, at, keys, audit, recordings } : { v, at, keys, audit, recordings, register });
}

/** Checks one line of the file: a genuine checkpoint, or why not. */
export function readCheckpointLine(text: string, signer: CheckpointSigner): Checkpoint | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not a checkpoint (unreadable JSON): the file was edited or truncated';
  }
  if (!wellFormed(parsed)) return 'not a checkpoint (fields missing or malformed): the file was edited';
  const at = parsed.at;
  if (parsed.keys.signing !== signer.keyId)
    return `checkpoint of ${at} is signed with another key (${parsed.keys.signing}, this installation's is ${signer.keyId})`;
  if (!signer.verify(signedText(parsed), parsed.signature)) return `checkpoint of ${at}: its signature does not match its content (edited by hand or forged)`;
  return parsed;
}

export interface CheckpointStoreOptions {
  directory: string;
  signer: CheckpointSigner;
  /** Also POSTed here (the same JSON line), when set. */
  webhookUrl?: string | null;
  /** How often the worker writes one: a newest checkpoint much older than this is a warning. */
  intervalMs?: number;
  log?: ProcessLog;
  fetch?: typeof fetch;
}

/** The checkpoint file: append-only JSON lines, mode 0600, in a folder of its own (0700). */
export class CheckpointStore {
  readonly file: string;

  constructor(private readonly options: CheckpointStoreOptions) {
    this.file = join(options.directory, CHECKPOINT_FILE);
  }

  get intervalMs(): number | undefined {
    return this.options.intervalMs;
  }

  get directory(): string {
    return this.options.directory;
  }

  /** Signs and appends one checkpoint; then pushes it to the webhook if one is set. */
  async append(
    body: Omit<CheckpointBody, 'v' | 'keys'> & { keys: Omit<CheckpointBody['keys'], 'signing'> },
  ): Promise<{ checkpoint: Checkpoint; pushed: 'sent' | 'failed' | 'off' }> {
    const unsigned: CheckpointBody = {
      v: 1,
      at: body.at,
      keys: { signing: this.options.signer.keyId, ...body.keys },
      audit: body.audit,
      recordings: body.recordings,
      ...(body.register ? { register: { seq: body.register.seq, hash: body.register.hash } } : {}),
    };
    const checkpoint: Checkpoint = { ...unsigned, signature: this.options.signer.sign(signedText(unsigned)) };
    const line = JSON.stringify(checkpoint);
    await mkdir(this.options.directory, { recursive: true, mode: 0o700 });
    const publicKey = join(this.options.directory, PUBLIC_KEY_FILE);
    await writeFile(publicKey, this.options.signer.publicKeyPem, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    // One write with O_APPEND: two writers on the same host never interleave inside a line.
    await appendFile(this.file, `${line}\n`, { mode: 0o600, flag: 'a' });
    if ((await stat(this.file)).mode & 0o077) await chmod(this.file, 0o600);
    return { checkpoint, pushed: await this.push(line) };
  }

  private async push(line: string): Promise<'sent' | 'failed' | 'off'> {
    const url = this.options.webhookUrl;
    if (!url) return 'off';
    const log = this.options.log ?? silentLog;
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
        signal: AbortSignal.timeout(10_000),
        redirect: 'error',
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return 'sent';
      log.warn({ url, status: response.status }, 'checkpoint webhook refused the checkpoint');
    } catch (error) {
      log.warn({ url, error: error instanceof Error ? error.message : String(error) }, 'checkpoint webhook unreachable');
    }
    return 'failed';
  }

  /** Every line, checked; a missing file is an empty reading (verify warns about it). */
  async read(): Promise<CheckpointReading> {
    const reading: CheckpointReading = { file: this.file, checkpoints: [], problems: [] };
    let lines: ReturnType<typeof createInterface>;
    try {
      await stat(this.file);
      lines = createInterface({ input: createReadStream(this.file, { encoding: 'utf8' }), crlfDelay: Infinity });
    } catch {
      return reading;
    }
    let number = 0;
    for await (const text of lines) {
      number++;
      if (text.trim() === '') continue;
      const checked = readCheckpointLine(text, this.options.signer);
      if (typeof checked === 'string') reading.problems.push({ line: number, message: `checkpoint file line ${number}: ${checked}` });
      else reading.checkpoints.push({ ...checked, line: number });
    }
    return reading;
  }
}

/**
 * For `recordings verify`: the camera heads of the newest genuine checkpoint (older ones name
 * older segments of the same chains, which that one covers), and every line that is not genuine.
 */
export async function newestRecordingHeads(
  store: CheckpointStore,
  segmentsKeyId: string,
): Promise<{
  heads: { cameraId: string; segmentId: number; chainHash: string; at: string }[];
  problems: string[];
}> {
  const reading = await store.read();
  const problems = reading.problems.map((problem) => problem.message);
  const newest = reading.checkpoints.at(-1);
  if (!newest) return { heads: [], problems };
  if (newest.keys.segments !== segmentsKeyId) {
    problems.push(
      `checkpoint of ${newest.at} (file line ${newest.line}) was written under another segment chain key (${newest.keys.segments}, now ${segmentsKeyId}): the chain key file was replaced`,
    );
    return { heads: [], problems };
  }
  return { heads: newest.recordings.map(([cameraId, segmentId, chainHash]) => ({ cameraId, segmentId, chainHash, at: newest.at })), problems };
}

/**
 * For `register verify`: the register head of the newest genuine checkpoint that has one (an
 * older one names an older row of the same chain, which the newest covers), and every line that
 * is not genuine.
 */
export async function newestRegisterHead(
  store: CheckpointStore,
): Promise<{ head: (CheckpointedRegisterHead & { at: string; line: number }) | null; problems: string[] }> {
  const reading = await store.read();
  const newest = [...reading.checkpoints].reverse().find((checkpoint) => checkpoint.register !== undefined);
  return {
    head: newest?.register ? { ...newest.register, at: newest.at, line: newest.line } : null,
    problems: reading.problems.map((problem) => problem.message),
  };
}

export interface ChainHeads {
  audit: () => Promise<{ seq: number; hash: string; anchorSeq: number }>;
  recordings: () => Promise<CheckpointedRecordingHead[]>;
  /** The statutory register's head (the retention module's, as a port); absent: not checkpointed. */
  register?: () => Promise<CheckpointedRegisterHead>;
}

/** What the job raises (the technical events module's shape): a checkpoint not written is critical. */
export interface CheckpointEvent {
  severity: 'critical' | 'warning';
  code: 'checkpoint_failed' | 'checkpoint_push_failed';
  cameraId: null;
  communeInsee: null;
  message: string;
  at: string;
}

/** The periodic job of the worker role (and once at its start): one signed checkpoint of every head. */
export class CheckpointJob {
  constructor(
    private readonly deps: {
      store: CheckpointStore;
      keys: Pick<ChainKeys, 'audit' | 'segments'>;
      heads: ChainHeads;
      clock: Clock;
      raise?: (event: CheckpointEvent) => unknown;
    },
  ) {}

  async run(): Promise<{ checkpoint: Checkpoint; pushed: 'sent' | 'failed' | 'off' }> {
    const at = this.deps.clock.now().toISOString();
    const raise = (severity: CheckpointEvent['severity'], code: CheckpointEvent['code'], message: string) =>
      this.deps.raise?.({ severity, code, cameraId: null, communeInsee: null, message, at });
    let written: Awaited<ReturnType<CheckpointStore['append']>>;
    try {
      const [audit, recordings, register] = await Promise.all([this.deps.heads.audit(), this.deps.heads.recordings(), this.deps.heads.register?.()]);
      written = await this.deps.store.append({
        at,
        keys: { audit: this.deps.keys.audit.keyId, segments: this.deps.keys.segments.keyId },
        audit,
        recordings,
        ...(register ? { register } : {}),
      });
    } catch (error) {
      await raise(
        'critical',
        'checkpoint_failed',
        `signed checkpoint not written to ${this.deps.store.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw error;
    }
    if (written.pushed === 'failed') await raise('warning', 'checkpoint_push_failed', 'signed checkpoint written, but not accepted by the checkpoint webhook');
    return written;
  }
}

export interface AuditCheckpointProblem {
  kind: 'checkpoint_invalid' | 'checkpoint_mismatch';
  seq: number;
  message: string;
}

/**
 * Compares each genuine checkpoint with the audit chain as it is now: the row it names must
 * still hold the hash it recorded, unless a retention purge removed it (below the anchor);
 * a row past the head means the chain's end was cut and the head rewound. `hashesAt` holds
 * the stored hash of every row a checkpoint names (read while the chain was walked).
 */
export function checkAuditCheckpoints(
  reading: CheckpointReading,
  chain: { seq: number; anchorSeq: number; anchorPrevHash: string; keyId: string },
  hashesAt: ReadonlyMap<number, string>,
): AuditCheckpointProblem[] {
  const problems: AuditCheckpointProblem[] = reading.problems.map((problem) => ({ kind: 'checkpoint_invalid' as const, seq: 0, message: problem.message }));
  for (const checkpoint of reading.checkpoints) {
    const { seq, hash } = checkpoint.audit;
    const where = `checkpoint of ${checkpoint.at} (file line ${checkpoint.line})`;
    const mismatch = (message: string) => problems.push({ kind: 'checkpoint_mismatch', seq, message: `${where}: ${message}` });
    if (checkpoint.keys.audit !== chain.keyId) {
      mismatch(`written under another audit chain key (${checkpoint.keys.audit}, now ${chain.keyId}): the chain key file was replaced`);
    } else if (seq === 0 || seq < chain.anchorSeq - 1) {
    } else if (seq === chain.anchorSeq - 1) {
      if (hash !== chain.anchorPrevHash) mismatch(`row ${seq} had hash ${hash}, the purge anchor now says ${chain.anchorPrevHash}`);
    } else if (seq > chain.seq) {
      mismatch(`names row ${seq}, past the chain's end (row ${chain.seq}): rows were removed from the end and the head rewound`);
    } else if (!hashesAt.has(seq)) {
      mismatch(`names row ${seq}, which is no longer in the log`);
    } else if (hashesAt.get(seq) !== hash) {
      mismatch(`row ${seq} had hash ${hash}, it now has ${hashesAt.get(seq)}: the chain was rewritten from there on`);
    }
  }
  return problems;
}
