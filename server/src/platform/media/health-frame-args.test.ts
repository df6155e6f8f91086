// The picture checks' batch decode as an argument array: one input per camera (keyframes only,
// one thread), one raw grey output per input, mapped in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthFramesArgs } from './health-frame-args.ts';

test('one ffmpeg decodes the keyframe of every camera of the batch into its own grey file', () => {
  const args = healthFramesArgs(
    [
      { path: '/tmp/a/0.mp4', format: 'mp4', output: '/tmp/a/0.gray' },
      { path: '/tmp/a/1.ts', format: 'mpegts', output: '/tmp/a/1.gray' },
    ],
    320,
    180,
  );
  assert.deepEqual(args, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...['-threads', '1', '-skip_frame', 'nokey', '-f', 'mp4', '-i', '/tmp/a/0.mp4'],
    ...['-threads', '1', '-skip_frame', 'nokey', '-f', 'mpegts', '-i', '/tmp/a/1.ts'],
    ...['-map', '0:v:0', '-an', '-frames:v', '1', '-vf', 'scale=320:180:flags=area,format=gray', '-f', 'rawvideo', '-y', '/tmp/a/0.gray'],
    ...['-map', '1:v:0', '-an', '-frames:v', '1', '-vf', 'scale=320:180:flags=area,format=gray', '-f', 'rawvideo', '-y', '/tmp/a/1.gray'],
  ]);
});
