// SQL of the recording index (segments, gaps, chain heads, maskings, purged runs); nothing else
// touches recording_* tables: the retention purge deletes footage through the methods here. Bigint columns come
// back as strings from PostgreSQL: every read goes through Number() here.
import type { Kysely, Transaction } from 'kysely';
import { inTransaction, type Dialect } from '../../platform/db/database.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import { UNKNOWN_MASK_VERSION, type MaskMode, type RecordedMasking, type RecorderMasking } from '../masks/index.ts';
import { bucketPieces, rangeBucketOf } from './recorded-ranges.ts';
import { addToRecordedRanges, rebuildRecordedRanges, recordedRangeRows } from './recorded-ranges.sql.ts';
import type { PurgedRun } from './recording.chain.ts';
import { candidateColumns, toCandidate, toSegment, toSpan, type PurgeCandidate } from './recording.rows.ts';
import type { IndexedSegment, RecordingGap, SegmentSpan, TimeRange } from './recording.types.ts';

export type { PurgeCandidate } from './recording.rows.ts';

type Handle = Kysely<RecordingSchema>;

/**
 * No segment spans more than this. Range queries use it as a lower bound on start_ms, which
 * turns "overlaps [from, to)" into a tight scan of the (camera_id, start_ms) index instead of
 * a walk over every older segment of the camera. The recorder caps segments at 10 minutes.
 */
export const MAX_SEGMENT_SPAN_MS = 60 * 60_000;

export type NewSegment = Omit<IndexedSegment, 'id'>;

export interface ChainHead {
  segmentId: number;
  chainHash: string;
  endMs: number;
}

export class RecordingRepository {
  constructor(
    private readonly db: Handle,
    private readonly dialect: Dialect,
  ) {}

  /** Runs `work` in one transaction on the recording tables (retried on contention): the indexer's segment, gap, head and masking rows. */
  transaction<T>(work: (trx: Transaction<RecordingSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** The camera's chain head, locked on PostgreSQL so that two indexers cannot fork it. */
  async head(trx: Handle, cameraId: string): Promise<ChainHead | undefined> {
    let query = trx.selectFrom('recording_heads').select(['segment_id', 'chain_hash', 'end_ms']).where('camera_id', '=', cameraId);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? { segmentId: Number(row.segment_id), chainHash: row.chain_hash, endMs: Number(row.end_ms) } : undefined;
  }

  async insertSegment(trx: Handle, segment: NewSegment, createdAt: string): Promise<number> {
    const inserted = await trx
      .insertInto('recording_segments')
      .values({
        camera_id: segment.cameraId,
        commune_insee: segment.communeInsee,
        volume: segment.volume,
        path: segment.path,
        start_ms: segment.startMs,
        end_ms: segment.endMs,
        duration_ms: segment.durationMs,
        bytes: segment.bytes,
        codec: segment.codec,
        width: segment.width,
        height: segment.height,
        fps: segment.fps,
        frame_count: segment.frameCount,
        sha256: segment.sha256,
        prev_hash: segment.prevHash,
        chain_hash: segment.chainHash,
        status: segment.status,
        created_at: createdAt,
        mask_version: segment.maskVersion ?? UNKNOWN_MASK_VERSION,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(inserted.id);
    await trx
      .insertInto('recording_heads')
      .values({ camera_id: segment.cameraId, segment_id: id, chain_hash: segment.chainHash, end_ms: segment.endMs, updated_at: createdAt })
      .onConflict((conflict) =>
        conflict.column('camera_id').doUpdateSet({ segment_id: id, chain_hash: segment.chainHash, end_ms: segment.endMs, updated_at: createdAt }),
      )
      .execute();
    await this.addToRanges(trx, segment.cameraId, { startMs: segment.startMs, endMs: segment.endMs });
    return id;
  }

  /** The summary's share of an insert (a method of its own so that `./vigie bench index` can time the insert without it). */
  protected addToRanges(trx: Handle, cameraId: string, span: TimeRange): Promise<void> {
    return addToRecordedRanges(trx, cameraId, span);
  }

  /** Stores a masking a recorder of the camera ran with, once (the indexer, in the segment's transaction). */
  async ensureMaskVersion(trx: Handle, cameraId: string, masking: RecorderMasking, at: string): Promise<void> {
    if (masking.mode === null) return; // 'none' and 'unknown' account for nothing: no row
    await trx
      .insertInto('recording_mask_versions')
      .values({
        camera_id: cameraId,
        version: masking.version,
        mode: masking.mode,
        revisions: JSON.stringify(masking.revisions),
        polygons: JSON.stringify(masking.polygons),
        first_indexed_at: at,
      })
      .onConflict((conflict) => conflict.columns(['camera_id', 'version']).doNothing())
      .execute();
  }

  /** The masking version of each segment (by id); one that is not found is absent. */
  async segmentMaskVersions(segmentIds: readonly number[], db: Handle = this.db): Promise<Map<number, string>> {
    const result = new Map<number, string>();
    for (let start = 0; start < segmentIds.length; start += 500) {
      const rows = await db
        .selectFrom('recording_segments')
        .select(['id', 'mask_version'])
        .where('id', 'in', segmentIds.slice(start, start + 500))
        .execute();
      for (const row of rows) result.set(Number(row.id), row.mask_version);
    }
    return result;
  }

  /** The stored maskings of a camera among `versions`; an unreadable row is left out (it then accounts for nothing). */
  async recordedMaskings(cameraId: string, versions: readonly string[], db: Handle = this.db): Promise<Map<string, RecordedMasking>> {
    const result = new Map<string, RecordedMasking>();
    const wanted = [...new Set(versions)];
    for (let start = 0; start < wanted.length; start += 500) {
      const rows = await db
        .selectFrom('recording_mask_versions')
        .selectAll()
        .where('camera_id', '=', cameraId)
        .where('version', 'in', wanted.slice(start, start + 500))
        .execute();
      for (const row of rows) {
        try {
          const revisions = JSON.parse(row.revisions) as unknown;
          const polygons = JSON.parse(row.polygons) as unknown;
          if (!Array.isArray(revisions) || !Array.isArray(polygons) || !revisions.every((revision) => typeof revision === 'string')) continue;
          result.set(row.version, { mode: row.mode as MaskMode, revisions: new Set(revisions as string[]), burnt: polygons.length > 0 });
        } catch {}
      }
    }
    return result;
  }

  async insertGap(trx: Handle, gap: RecordingGap & { communeInsee: string }, createdAt: string): Promise<void> {
    await trx
      .insertInto('recording_gaps')
      .values({ camera_id: gap.cameraId, commune_insee: gap.communeInsee, start_ms: gap.startMs, end_ms: gap.endMs, reason: gap.reason, created_at: createdAt })
      .execute();
  }

  /**
   * Segments of one camera overlapping [fromMs, toMs), in time order: what playback and the
   * timeline need, no hashes (a 24-h window is 1,440 rows; the verifier reads the full rows).
   */
  async segmentsOverlapping(cameraId: string, fromMs: number, toMs: number, db: Handle = this.db): Promise<SegmentSpan[]> {
    const rows = await db
      .selectFrom('recording_segments')
      .select(['id', 'volume', 'path', 'start_ms', 'end_ms', 'status'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '>=', fromMs - MAX_SEGMENT_SPAN_MS)
      .where('start_ms', '<', toMs)
      .where('end_ms', '>', fromMs)
      .orderBy('start_ms')
      .execute();
    return rows.map(toSpan);
  }

  /**
   * What the timeline draws: the camera's recorded runs (recording_ranges) that matter to
   * [fromMs, toMs), hour pieces included; `coverage()` merges and clips them. About 24 rows for
   * a 24-h window, 720 for 30 days, whatever the segment length.
   */
  recordedRanges(cameraId: string, fromMs: number, toMs: number, db: Handle = this.db): Promise<TimeRange[]> {
    return recordedRangeRows(db, cameraId, fromMs, toMs);
  }

  /** One segment of a camera by id (playback fetches one segment of its session). */
  async segmentOf(cameraId: string, id: number, db: Handle = this.db): Promise<SegmentSpan | undefined> {
    const row = await db
      .selectFrom('recording_segments')
      .select(['id', 'volume', 'path', 'start_ms', 'end_ms', 'status'])
      .where('id', '=', id)
      .where('camera_id', '=', cameraId)
      .executeTakeFirst();
    return row ? toSpan(row) : undefined;
  }

  /** Explicit gaps of one camera overlapping [fromMs, toMs), in time order. */
  async gapsOverlapping(cameraId: string, fromMs: number, toMs: number, db: Handle = this.db): Promise<RecordingGap[]> {
    const rows = await db
      .selectFrom('recording_gaps')
      .select(['camera_id', 'start_ms', 'end_ms', 'reason'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs)
      .where('end_ms', '>', fromMs)
      .orderBy('start_ms')
      .execute();
    return rows.map((row) => ({ cameraId: row.camera_id, startMs: Number(row.start_ms), endMs: Number(row.end_ms), reason: row.reason }));
  }

  /** Every segment of a camera with all its columns, in chain (insertion) order; bounded pages. */
  async *iterateCamera(cameraId: string, batchSize = 2000): AsyncGenerator<IndexedSegment> {
    let afterId = -1;
    for (let page = 0; page < 1_000_000; page++) {
      const rows = await this.db
        .selectFrom('recording_segments')
        .selectAll()
        .where('camera_id', '=', cameraId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(batchSize)
        .execute();
      for (const row of rows) yield toSegment(row);
      if (rows.length < batchSize) return;
      afterId = Number(rows[rows.length - 1]!.id);
    }
  }

  /** Cameras that have an index (segments or a chain head), for verification. */
  async camerasWithRecordings(): Promise<string[]> {
    const rows = await this.db.selectFrom('recording_heads').select('camera_id').union(this.db.selectFrom('recording_segments').select('camera_id')).execute();
    return [...new Set(rows.map((row) => row.camera_id))].sort();
  }

  /** End of the newest indexed segment of each camera that has one. */
  async heads(cameraIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (let start = 0; start < cameraIds.length; start += 500) {
      const rows = await this.db
        .selectFrom('recording_heads')
        .select(['camera_id', 'end_ms'])
        .where('camera_id', 'in', cameraIds.slice(start, start + 500))
        .execute();
      for (const row of rows) result.set(row.camera_id, Number(row.end_ms));
    }
    return result;
  }

  /** The camera's newest indexed segment (its chain head's), for checks on recent footage. */
  async newestSegment(cameraId: string, db: Handle = this.db): Promise<IndexedSegment | undefined> {
    const row = await db
      .selectFrom('recording_heads')
      .innerJoin('recording_segments', 'recording_segments.id', 'recording_heads.segment_id')
      .selectAll('recording_segments')
      .where('recording_heads.camera_id', '=', cameraId)
      .executeTakeFirst();
    return row ? toSegment(row) : undefined;
  }

  /** Every camera's chain head, for the signed checkpoints (issue 11). */
  async allHeads(): Promise<{ cameraId: string; segmentId: number; chainHash: string }[]> {
    const rows = await this.db.selectFrom('recording_heads').select(['camera_id', 'segment_id', 'chain_hash']).orderBy('camera_id').execute();
    return rows.map((row) => ({ cameraId: row.camera_id, segmentId: Number(row.segment_id), chainHash: row.chain_hash }));
  }

  /** The largest segment id ever given that is still known (a head keeps it after a purge); 0 if none. */
  async maxSegmentId(): Promise<number> {
    const segments = await this.db
      .selectFrom('recording_segments')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const heads = await this.db
      .selectFrom('recording_heads')
      .select((eb) => eb.fn.max('segment_id').as('id'))
      .executeTakeFirst();
    return Math.max(Number(segments?.id ?? 0), Number(heads?.id ?? 0));
  }

  /** The camera's chain head, read without locking (verification). */
  async readHead(cameraId: string): Promise<ChainHead | undefined> {
    const row = await this.db.selectFrom('recording_heads').select(['segment_id', 'chain_hash', 'end_ms']).where('camera_id', '=', cameraId).executeTakeFirst();
    return row ? { segmentId: Number(row.segment_id), chainHash: row.chain_hash, endMs: Number(row.end_ms) } : undefined;
  }

  // Footage as the retention module destroys it, and storage measures it.

  /** Every camera that has footage in the index (whether or not still in the inventory). */
  async camerasWithFootage(db: Handle = this.db): Promise<Array<{ cameraId: string }>> {
    const rows = await db.selectFrom('recording_heads').select('camera_id').orderBy('camera_id').execute();
    return rows.map((row) => ({ cameraId: row.camera_id }));
  }

  /** The camera's oldest segments starting at or before `cutoffMs` (first frame at retention), in chain order, at most `limit`, none on `excludedVolumes`. */
  async candidates(
    cameraId: string,
    cutoffMs: number,
    limit: number,
    excludedVolumes: readonly string[] = [],
    db: Handle = this.db,
  ): Promise<PurgeCandidate[]> {
    let query = db.selectFrom('recording_segments').select(candidateColumns).where('camera_id', '=', cameraId).where('start_ms', '<=', cutoffMs);
    // A volume whose marker is missing keeps its rows (its files are not reachable): it must not fill the batch either.
    if (excludedVolumes.length > 0) query = query.where('volume', 'not in', [...excludedVolumes]);
    const rows = await query.orderBy('id').limit(limit).execute();
    return rows.map(toCandidate);
  }

  /** A volume's oldest segments starting at or after `fromStartMs` (all cameras), oldest first: for early destruction. */
  async oldestOnVolume(volume: string, fromStartMs: number, limit: number, db: Handle = this.db): Promise<PurgeCandidate[]> {
    const rows = await db
      .selectFrom('recording_segments')
      .select(candidateColumns)
      .where('volume', '=', volume)
      .where('start_ms', '>=', fromStartMs)
      .orderBy('start_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toCandidate);
  }

  /** Per camera: what was recorded in [fromMs, toMs) by segment start (the register's `recorded` rows). */
  async recordedOn(
    fromMs: number,
    toMs: number,
    db: Handle = this.db,
  ): Promise<Array<{ cameraId: string; communeInsee: string; fromMs: number; toMs: number; segments: number; bytes: number; frames: number }>> {
    const rows = await db
      .selectFrom('recording_segments')
      .select((eb) => [
        'camera_id',
        'commune_insee',
        eb.fn.min('start_ms').as('from_ms'),
        eb.fn.max('end_ms').as('to_ms'),
        eb.fn.countAll<number | string>().as('segments'),
        eb.fn.sum<number | string>('bytes').as('bytes'),
        eb.fn.sum<number | string>('frame_count').as('frames'),
      ])
      .where('start_ms', '>=', fromMs)
      .where('start_ms', '<', toMs)
      .groupBy(['camera_id', 'commune_insee'])
      .orderBy('camera_id')
      .execute();
    return rows.map((row) => ({
      cameraId: row.camera_id,
      communeInsee: row.commune_insee,
      fromMs: Number(row.from_ms),
      toMs: Number(row.to_ms),
      segments: Number(row.segments),
      bytes: Number(row.bytes),
      frames: Number(row.frames),
    }));
  }

  /**
   * The purge's deletions, in its transaction (500 ids per statement), and the recorded ranges
   * of the hours they touched, recomputed from the segments left (held ones stay). On
   * PostgreSQL each camera's head row is locked first, as the indexer does before it extends
   * the ranges: the two never rewrite the same camera's rows at once.
   */
  async deleteSegments(handle: AnyHandle, ids: readonly number[]): Promise<number> {
    const trx = tablesOf<RecordingSchema>(handle);
    const touched = new Map<string, Set<number>>();
    let deleted = 0;
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500);
      const spans = await trx.selectFrom('recording_segments').select(['camera_id', 'start_ms', 'end_ms']).where('id', 'in', batch).execute();
      for (const span of spans) {
        const buckets = touched.get(span.camera_id) ?? new Set<number>();
        for (const piece of bucketPieces({ startMs: Number(span.start_ms), endMs: Number(span.end_ms) })) buckets.add(rangeBucketOf(piece.startMs));
        touched.set(span.camera_id, buckets);
      }
      const result = await trx.deleteFrom('recording_segments').where('id', 'in', batch).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    for (const cameraId of [...touched.keys()].sort()) {
      if (this.dialect === 'postgres') await trx.selectFrom('recording_heads').select('camera_id').where('camera_id', '=', cameraId).forUpdate().execute();
      await rebuildRecordedRanges(
        trx,
        cameraId,
        [...touched.get(cameraId)!].sort((a, b) => a - b),
        MAX_SEGMENT_SPAN_MS,
      );
    }
    return deleted;
  }

  /** Gap rows describe missing footage; those past retention go with the footage around them (the purge's transaction). */
  async deleteGapsBefore(handle: AnyHandle, cameraId: string, cutoffMs: number): Promise<void> {
    const trx = tablesOf<RecordingSchema>(handle);
    await trx.deleteFrom('recording_gaps').where('camera_id', '=', cameraId).where('end_ms', '<=', cutoffMs).execute();
  }

  /** The runs of chain-adjacent segments a purge removed, in its transaction: the verifier bridges them. */
  async insertPurgedRuns(handle: AnyHandle, cameraId: string, communeInsee: string, runs: readonly PurgedRun[], purgedAt: string): Promise<void> {
    if (runs.length === 0) return;
    await tablesOf<RecordingSchema>(handle)
      .insertInto('recording_purged_runs')
      .values(
        runs.map((run) => ({
          camera_id: cameraId,
          commune_insee: communeInsee,
          first_segment_id: run.firstSegmentId,
          last_segment_id: run.lastSegmentId,
          from_ms: run.fromMs,
          to_ms: run.toMs,
          segments: run.segments,
          prev_hash: run.prevHash,
          last_chain_hash: run.lastChainHash,
          purged_at: purgedAt,
        })),
      )
      .execute();
  }

  /** The purged runs of a camera, for `recordings verify` (see checkLinksAcrossPurges). */
  async purgedRunsOf(cameraId: string, db: Handle = this.db): Promise<PurgedRun[]> {
    const rows = await db.selectFrom('recording_purged_runs').selectAll().where('camera_id', '=', cameraId).orderBy('first_segment_id').execute();
    return rows.map((row) => ({
      firstSegmentId: Number(row.first_segment_id),
      lastSegmentId: Number(row.last_segment_id),
      fromMs: Number(row.from_ms),
      toMs: Number(row.to_ms),
      segments: Number(row.segments),
      prevHash: row.prev_hash,
      lastChainHash: row.last_chain_hash,
    }));
  }

  /** Per camera, the start of its oldest indexed segment (the oldest footage kept); a camera without footage is absent. */
  async oldestFootageOf(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, number>> {
    if (cameraIds.length === 0) return new Map();
    const db = handle ? tablesOf<RecordingSchema>(handle) : this.db;
    const rows = await db
      .selectFrom('recording_segments')
      .select((eb) => ['camera_id', eb.fn.min('start_ms').as('oldest')])
      .where('camera_id', 'in', [...cameraIds])
      .groupBy('camera_id')
      .execute();
    return new Map(rows.filter((row) => row.oldest !== null).map((row) => [row.camera_id, Number(row.oldest)]));
  }

  /** The path of the volume's oldest indexed segment (what the next purge would remove first), or null. */
  async oldestSegmentPath(volume: string, db: Handle = this.db): Promise<string | null> {
    const row = await db.selectFrom('recording_segments').select('path').where('volume', '=', volume).orderBy('start_ms').limit(1).executeTakeFirst();
    return row?.path ?? null;
  }

  /** Bytes of indexed segments on a volume (one aggregate; the monitor keeps it up to date between calls). */
  async indexedBytes(volume: string, db: Handle = this.db): Promise<number> {
    const row = await db
      .selectFrom('recording_segments')
      .select((eb) => eb.fn.sum<number | string | null>('bytes').as('total'))
      .where('volume', '=', volume)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}
