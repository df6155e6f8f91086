import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loopEncodeArgs, motionWindow, pictureGraph, snapshotArgs, type LoopSpec } from './ffmpeg-args.ts';

const spec: LoopSpec = {
  codec: 'h264',
  width: 1280,
  height: 720,
  fps: 12,
  bitrateKbps: 2000,
  gopSeconds: 2,
  loopSeconds: 60,
  scene: 1,
  motion: true,
  variant: { kind: 'normal' },
  labelFile: '/tmp/cache/abc.txt',
};

test('a loop is encoded with fixed GOPs, no B-frames and parameter sets on every keyframe', () => {
  const args = loopEncodeArgs(spec, '/tmp/out.h264');
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after('-c:v'), 'libx264');
  assert.equal(after('-bf'), '0');
  assert.equal(after('-g'), '24');
  assert.equal(after('-x264-params'), 'keyint=24:min-keyint=24:scenecut=0:repeat-headers=1');
  assert.equal(after('-t'), '60');
  assert.equal(after('-b:v'), '2000k');
  assert.equal(args.at(-1), '/tmp/out.h264');
  const hevc = loopEncodeArgs({ ...spec, codec: 'h265' }, '/tmp/out.hevc');
  assert.equal(hevc[hevc.indexOf('-f', hevc.indexOf('-c:v')) + 1], 'hevc');
});

test('a one-minute loop burns the wall-clock seconds, a shorter one its position', () => {
  assert.match(pictureGraph(spec).graph, /mod\(floor\(t\)\\,60\)/);
  assert.match(pictureGraph({ ...spec, loopSeconds: 10 }).graph, /loop \+/);
  assert.match(pictureGraph(spec).graph, /textfile='\/tmp\/cache\/abc.txt'/);
});

test('faults change the picture: fps, size, darkness, stillness', () => {
  assert.equal(pictureGraph({ ...spec, variant: { kind: 'low_fps', fps: 4 } }).fps, 4);
  assert.deepEqual(pictureGraph({ ...spec, variant: { kind: 'low_resolution', width: 320, height: 240 } }).width, 320);
  assert.match(pictureGraph({ ...spec, variant: { kind: 'black' } }).graph, /^color=c=black/);
  assert.match(pictureGraph({ ...spec, variant: { kind: 'covered' } }).graph, /boxblur=.*eq=brightness=-/);
  assert.match(pictureGraph({ ...spec, variant: { kind: 'frozen' } }).graph, /loop=loop=-1:size=1/);
  assert.doesNotMatch(pictureGraph({ ...spec, variant: { kind: 'turned_away' } }).graph, /overlay/);
});

test('the picture-check faults: defocus, a small turn, a sprayed blob', () => {
  assert.match(pictureGraph({ ...spec, variant: { kind: 'defocus', sigma: 6 } }).graph, /gblur=sigma=6$/);
  const { width, graph } = pictureGraph({ ...spec, variant: { kind: 'shifted', percent: 30 } });
  const shift = Math.round((width * 0.3) / 2) * 2;
  assert.ok(
    graph.endsWith(`crop=${width - shift}:${spec.height}:${shift}:0,pad=${width}:${spec.height}:0:0:black,fillborders=right=${shift}:mode=smear`),
    graph,
  );
  assert.match(
    pictureGraph({ ...spec, variant: { kind: 'spray' } }).graph,
    /split\[picture\]\[under\];\[under\]crop=.*boxblur=.*\[blob\];\[picture\]\[blob\]overlay=/,
  );
});

test('the moving object crosses during a known window of the loop', () => {
  assert.deepEqual(motionWindow(60), { startSeconds: 15, endSeconds: 21 });
  assert.deepEqual(motionWindow(4), { startSeconds: 1, endSeconds: 3 });
  assert.match(pictureGraph(spec).graph, /enable='between\(t,15,21\)'/);
  assert.deepEqual(snapshotArgs('h264').slice(-5), ['-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1']);
});
