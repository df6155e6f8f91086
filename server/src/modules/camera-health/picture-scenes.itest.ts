// The false-positive test over every demo scene (real ffmpeg, no database): each scene of the
// simulator's catalogue (its pictureGraph, burnt-in clock and crossing object included) is
// rendered over one 60 s loop at one picture a second, and the checks run as the job would at
// the default 10 s interval over 10 minutes of simulated time (60 checks: the loop repeats, so
// the pictures at t mod 60 are the ones a camera would show), after a reference captured on the
// first picture and its learning, with the default thresholds. None may raise a fault. A
// second pass checks every 3 s (200 checks over the same 10 minutes) for the frozen check.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pictureGraph, SCENE_NAMES } from '../../../../simulator/src/ffmpeg-args.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { FFMPEG_PATH } from '../../platform/processes.ts';
import {
  type CheckState,
  defaultThresholds,
  judge,
  learn,
  learning,
  measure,
  type PictureCheck,
  pictureChecks,
  referenceModel,
  step,
} from './picture-checks.ts';
import { CHECK_HEIGHT, CHECK_WIDTH, type GrayImage, grayImage } from './picture-metrics.ts';

const LOOP_SECONDS = 60;
let directory = '';

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vigie-health-scenes-'));
  await writeFile(join(directory, 'label.txt'), 'Site 01 FIXED cam-001');
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** One picture a second over the loop, as the checks decode them (small, grey). */
async function loopPictures(scene: number): Promise<GrayImage[]> {
  const { graph } = pictureGraph({
    codec: 'h264',
    width: 640,
    height: 360,
    fps: 10,
    bitrateKbps: 800,
    gopSeconds: 1,
    loopSeconds: LOOP_SECONDS,
    scene,
    motion: scene % 3 === 1,
    variant: { kind: 'normal' },
    labelFile: join(directory, 'label.txt'),
  });
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    graph,
    '-t',
    String(LOOP_SECONDS),
    '-vf',
    `fps=1,scale=${CHECK_WIDTH}:${CHECK_HEIGHT}:flags=area,format=gray`,
    '-f',
    'rawvideo',
    '-',
  ];
  const result = await runToCompletion(FFMPEG_PATH, args, { timeoutMs: 120_000, maxOutputBytes: 64 * 1024 * 1024 });
  assert.equal(result.code, 0, result.stderr);
  const size = CHECK_WIDTH * CHECK_HEIGHT;
  return Array.from({ length: Math.floor(result.stdout.length / size) }, (_, index) =>
    grayImage(CHECK_WIDTH, CHECK_HEIGHT, new Uint8Array(result.stdout.subarray(index * size, (index + 1) * size))),
  );
}

/** The checks over `count` pictures `spacing` seconds apart; the faults raised. */
function run(pictures: GrayImage[], spacing: number, count: number): string[] {
  let model = referenceModel(pictures[0]!);
  const states = new Map<PictureCheck, CheckState>(pictureChecks.map((check) => [check, { raised: false, streak: 0 }]));
  const raised: string[] = [];
  let previous: GrayImage | null = null;
  for (let index = 1; index <= count; index++) {
    const second = (index * spacing) % pictures.length;
    const picture = pictures[second]!;
    const measures = measure(picture, model, previous, defaultThresholds);
    const verdicts = judge(measures, model, defaultThresholds);
    if (learning(model, defaultThresholds) && !verdicts.covered) model = { ...model, learnt: learn(model, measures) };
    for (const check of pictureChecks) {
      const next = step(states.get(check)!, verdicts[check], check, defaultThresholds);
      states.set(check, next.state);
      if (next.transition === 'raised') raised.push(`${check} at t=${index * spacing}s ${JSON.stringify(measures)}`);
    }
    previous = picture;
  }
  return raised;
}

describe('picture checks on the healthy demo scenes', () => {
  SCENE_NAMES.forEach((name, scene) => {
    it(`raise nothing on scene ${scene} (${name}) over 10 minutes of simulated time`, async () => {
      const pictures = await loopPictures(scene);
      assert.equal(pictures.length, LOOP_SECONDS);
      assert.deepEqual(run(pictures, 10, 60), [], 'every 10 s');
      assert.deepEqual(run(pictures, 3, 200), [], 'every 3 s');
    });
  });
});
