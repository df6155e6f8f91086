// A motion scene shows its moving object exactly during the documented window of each loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motionWindow } from '../src/ffmpeg-args.ts';
import { LoopStore, type LoopRequest } from '../src/loop-store.ts';
import { runFfmpeg } from '../src/processes.ts';

test('frames differ from the still scene only while the object crosses', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'vigie-sim-motion-'));
  try {
    const store = new LoopStore(cacheDir, 2);
    const request: LoopRequest = {
      codec: 'h264',
      width: 320,
      height: 180,
      fps: 12,
      bitrateKbps: 400,
      gopSeconds: 1,
      loopSeconds: 4,
      scene: 4,
      motion: true,
      variant: { kind: 'normal' },
      label: 'motion test',
    };
    const [moving, still] = await Promise.all([store.ensureEncoded(request), store.ensureEncoded({ ...request, motion: false })]);
    const { stdout } = await runFfmpeg(
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', moving, '-i', still, '-lavfi', 'psnr=stats_file=-', '-f', 'null', '-'],
      { timeoutMs: 20_000 },
    );
    const frames = stdout
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => ({
        index: Number(/n:(\d+)/.exec(line)?.[1]) - 1,
        psnr: /psnr_avg:inf/.test(line) ? Infinity : Number(/psnr_avg:([\d.]+)/.exec(line)?.[1]),
      }));
    assert.equal(frames.length, 48);
    const { startSeconds, endSeconds } = motionWindow(4);
    const differing = frames.filter((frame) => frame.psnr < 30).map((frame) => frame.index / 12);
    assert.ok(differing.length >= (endSeconds - startSeconds) * 12 * 0.8, `${differing.length} frames show the object`);
    for (const time of differing) assert.ok(time >= startSeconds && time < endSeconds, `object at ${time} s, outside ${startSeconds}-${endSeconds} s`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
