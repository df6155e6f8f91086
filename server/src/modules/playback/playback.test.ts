// Playback's pure rules and the re-encoder's process handling, without IO: reason and window,
// idle expiry, Range parsing, validators, the ffmpeg arguments (which segments are re-encoded
// for their masks: recording/masks.coverage.test.ts),
// and a fake ffmpeg that streams, fails, or is left by its client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK_FILTER_GRAPH } from '../../platform/media/ffmpeg-args.ts';
import type { SpawnedChild, Spawner } from '../../platform/processes.ts';
import { ffmpegReencoder, maskedSegmentArgs } from './playback.reencode.ts';
import {
  etagMatches,
  fileEtag,
  ifRangeHolds,
  isIdle,
  parseByteRange,
  parsePlaybackRequest,
  PLAYBACK_IDLE_MS,
  reencodedEtag,
  segmentUrl,
} from './playback.rules.ts';

const code = (work: () => unknown) => {
  try {
    work();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('playback request', () => {
  const from = '2026-11-23T08:00:00.000Z';
  it('requires a reason of at least 3 characters once trimmed', () => {
    assert.equal(
      code(() => parsePlaybackRequest({ from, to: '2026-11-23T09:00:00Z' })),
      'reason_required',
    );
    assert.equal(
      code(() => parsePlaybackRequest({ from, to: '2026-11-23T09:00:00Z', reason: '  ab ' })),
      'reason_required',
    );
    assert.equal(
      code(() => parsePlaybackRequest({ from, to: '2026-11-23T09:00:00Z', reason: null })),
      'reason_required',
    );
    const parsed = parsePlaybackRequest({ from, to: '2026-11-23T09:00:00Z', reason: '  vol à l’étalage ' });
    assert.deepEqual(parsed, { reason: 'vol à l’étalage', window: { startMs: Date.parse(from), endMs: Date.parse('2026-11-23T09:00:00Z') } });
  });

  it('refuses a window of more than 24 h, an empty or reversed one, and dates that are not dates', () => {
    const reason = 'réquisition';
    assert.equal(
      code(() => parsePlaybackRequest({ from, to: '2026-11-24T08:00:00.000Z', reason })),
      'ok',
      'exactly 24 h',
    );
    assert.equal(
      code(() => parsePlaybackRequest({ from, to: '2026-11-24T08:00:00.001Z', reason })),
      'recording_range_invalid',
    );
    assert.equal(
      code(() => parsePlaybackRequest({ from, to: from, reason })),
      'recording_range_invalid',
    );
    assert.equal(
      code(() => parsePlaybackRequest({ from: '2026-11-23T09:00:00Z', to: from, reason })),
      'recording_range_invalid',
    );
    assert.equal(
      code(() => parsePlaybackRequest({ from: 'hier', to: from, reason })),
      'recording_range_invalid',
    );
  });

  it('expires a session 5 minutes after its last use, not before', () => {
    const used = Date.parse('2026-11-23T10:00:00Z');
    assert.equal(PLAYBACK_IDLE_MS, 300_000);
    assert.equal(isIdle(used, used + 299_999), false);
    assert.equal(isIdle(used, used + 300_000), true);
    assert.equal(segmentUrl('a b', 42), '/api/playback/a%20b/segments/42');
  });
});

describe('masks in playback (LEGAL 4)', () => {
  it('builds one ffmpeg: the segment and the looped mask, the recorder’s overlay, x264 with keyframes every second, fragmented MP4 on stdout', () => {
    const args = maskedSegmentArgs('/v/21038/cam/2026-11-23/a.mp4', '/data/playback-masks/cam.mask.png');
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    assert.deepEqual(
      args.filter((_, index) => args[index - 1] === '-i'),
      ['/v/21038/cam/2026-11-23/a.mp4', '/data/playback-masks/cam.mask.png'],
    );
    assert.equal(after('-filter_complex'), MASK_FILTER_GRAPH);
    assert.equal(after('-map'), '[masked]');
    assert.equal(after('-c:v'), 'libx264');
    assert.equal(after('-force_key_frames'), 'expr:gte(t,n_forced*1)');
    assert.equal(after('-fps_mode'), 'passthrough');
    assert.equal(after('-movflags'), '+frag_keyframe+empty_moov+default_base_moof');
    assert.deepEqual(args.slice(-5), ['-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', 'pipe:1']);
    assert.equal(args.at(-1), 'pipe:1');
    assert.ok(args.includes('-an'), 'no sound');
    assert.throws(() => maskedSegmentArgs('/a.mp4', '/m.png', 20));
  });
});

describe('HTTP Range and validators', () => {
  it('parses one byte range, suffixes and open ends; ignores what it does not understand', () => {
    assert.deepEqual(parseByteRange(undefined, 1000), { kind: 'full' });
    assert.deepEqual(parseByteRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
    assert.deepEqual(parseByteRange('bytes=900-', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(parseByteRange('bytes=900-5000', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(parseByteRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(parseByteRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 });
    assert.deepEqual(parseByteRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=50-10', 1000), { kind: 'full' });
    assert.deepEqual(parseByteRange('bytes=0-1,5-6', 1000), { kind: 'full' });
    assert.deepEqual(parseByteRange('items=0-1', 1000), { kind: 'full' });
  });

  it('compares validators: weak for If-None-Match, strong for If-Range', () => {
    const etag = fileEtag(7, 1000, 1_764_000_000_123.4);
    assert.equal(etag, `"7-3e8-${Math.floor(1_764_000_000_123.4).toString(16)}"`);
    assert.equal(etagMatches(etag, etag), true);
    assert.equal(etagMatches(`"other", W/${etag}`, etag), true);
    assert.equal(etagMatches('*', etag), true);
    assert.equal(etagMatches(undefined, etag), false);
    assert.equal(ifRangeHolds(undefined, etag), true);
    assert.equal(ifRangeHolds(etag, etag), true);
    assert.equal(ifRangeHolds('"7-3e8-0"', etag), false, 'the file changed: the whole file is sent');
    assert.equal(ifRangeHolds(reencodedEtag(7, 'abc'), reencodedEtag(7, 'abc')), false, 'a weak validator never grants a range');
  });
});

/** A scripted ffmpeg: the test drives its stdout and its exit. */
function fakeChild() {
  let stdout: (chunk: Buffer) => void = () => undefined;
  let exit: (code: number | null, signal: NodeJS.Signals | null, error?: Error) => void = () => undefined;
  const signals: string[] = [];
  const child: SpawnedChild = {
    pid: 4242,
    onStdout: (listener) => {
      stdout = listener;
    },
    onStderr: () => undefined,
    onExit: (listener) => {
      exit = listener;
    },
    writeStdin: () => undefined,
    kill: (signal) => {
      signals.push(signal);
      exit(null, signal);
    },
  };
  const spawner: Spawner = () => child;
  return { spawner, signals, write: (text: string) => stdout(Buffer.from(text)), exit: (value: number) => exit(value, null) };
}

describe('re-encoder process handling', () => {
  it('answers once ffmpeg has written, streams to the end, ends cleanly', async () => {
    const fake = fakeChild();
    const pending = ffmpegReencoder(['-i', 'x'], { timeoutMs: 10_000, spawner: fake.spawner });
    fake.write('ftyp');
    const stream = await pending;
    fake.write('moof');
    fake.exit(0);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'ftypmoof');
    assert.deepEqual(fake.signals, []);
  });

  it('fails before any output without leaking ffmpeg’s words to the client, and kills the child when the client leaves', async () => {
    const failing = fakeChild();
    const pending = ffmpegReencoder(['-i', 'x'], { timeoutMs: 10_000, spawner: failing.spawner });
    failing.exit(1);
    await assert.rejects(pending, (error: Error) => !('code' in error) && /re-encode failed/.test(error.message));

    const left = fakeChild();
    const started = ffmpegReencoder(['-i', 'x'], { timeoutMs: 10_000, spawner: left.spawner });
    left.write('ftyp');
    (await started).destroy();
    assert.deepEqual(left.signals, ['SIGTERM'], 'ended by its own handle');
  });

  it('stops a re-encode whose client does not read', async () => {
    const slow = fakeChild();
    const started = ffmpegReencoder(['-i', 'x'], { timeoutMs: 10_000, spawner: slow.spawner, maxBufferedBytes: 10 });
    slow.write('ftyp');
    const stream = await started;
    stream.on('error', () => undefined);
    slow.write('0123456789abcdef');
    assert.equal(stream.destroyed, true);
    assert.deepEqual(slow.signals, ['SIGTERM']);
  });
});
