// The picture measures and checks on synthetic grey pictures (no IO): each fault is seen, a
// healthy scene is not, and the hysteresis raises and clears after the configured runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultThresholds, judge, learn, learning, measure, referenceModel, step, type CheckState, type Thresholds } from './picture-checks.ts';
import {
  CHECK_HEIGHT,
  CHECK_WIDTH,
  changedFraction,
  grayImage,
  laplacianVariance,
  luminance,
  normalisedCorrelation,
  type GrayImage,
} from './picture-metrics.ts';

const width = CHECK_WIDTH;
const height = CHECK_HEIGHT;

/** A textured scene: a checkerboard of 20-pixel squares under a gradient, with a little seeded noise. */
function scene(options: { shift?: number; noiseSeed?: number; blurRadius?: number; blob?: boolean; level?: number } = {}): GrayImage {
  const data = new Uint8Array(width * height);
  let seed = options.noiseSeed ?? 1;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % 5) - 2;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const sx = x + (options.shift ?? 0);
      const square = (Math.floor(sx / 20) + Math.floor((y * 1.3 + sx * 0.2) / 20)) % 2;
      const value = 40 + square * 140 + (sx % 97) / 3 + noise();
      data[y * width + x] = Math.max(0, Math.min(255, Math.round(value * (options.level ?? 1))));
    }
  let image = grayImage(width, height, data);
  if (options.blurRadius) image = boxBlur(image, options.blurRadius, 0, 0, width, height);
  if (options.blob) image = boxBlur(image, 12, 0, 18, Math.round(width * 0.65), Math.round(height * 0.8));
  return image;
}

function boxBlur(image: GrayImage, radius: number, left: number, top: number, right: number, bottom: number): GrayImage {
  const data = new Uint8Array(image.data);
  for (let y = top; y < Math.min(bottom, height); y++)
    for (let x = left; x < Math.min(right, width); x++) {
      let sum = 0;
      let count = 0;
      for (let dy = -radius; dy <= radius; dy += 2)
        for (let dx = -radius; dx <= radius; dx += 2) {
          const yy = Math.min(height - 1, Math.max(0, y + dy));
          const xx = Math.min(width - 1, Math.max(0, x + dx));
          sum += image.data[yy * width + xx]!;
          count++;
        }
      data[y * width + x] = Math.round(sum / count);
    }
  return grayImage(width, height, data);
}

function flat(value: number): GrayImage {
  return grayImage(width, height, new Uint8Array(width * height).fill(value));
}

/** A reference captured on `scene()` and learnt over a few healthy pictures. */
function learntReference(thresholds: Thresholds = defaultThresholds) {
  let model = referenceModel(scene());
  for (let index = 0; learning(model, thresholds); index++)
    model = { ...model, learnt: learn(model, measure(scene({ noiseSeed: index + 2 }), model, null, thresholds)) };
  return model;
}

describe('picture metrics', () => {
  it('measures luminance, sharpness, correlation and change', () => {
    assert.deepEqual(luminance(flat(50)), { mean: 50, std: 0 });
    assert.ok(laplacianVariance(scene()) > 10 * laplacianVariance(scene({ blurRadius: 6 })), 'a blur lowers the Laplacian variance');
    assert.ok(normalisedCorrelation(scene(), scene({ noiseSeed: 9 })) > 0.95);
    assert.ok(normalisedCorrelation(scene({ level: 0.5 }), scene()) > 0.95, 'darker is the same scene');
    assert.equal(normalisedCorrelation(flat(10), flat(200)), 0);
    assert.equal(changedFraction(scene(), scene(), 3), 0);
    assert.ok(changedFraction(scene({ shift: 7 }), scene(), 3) > 0.1);
    assert.throws(() => grayImage(2, 2, new Uint8Array(3)), /4 bytes/);
  });
});

describe('picture checks', () => {
  const reference = learntReference();
  const verdictsOf = (image: GrayImage, previous: GrayImage | null = null) =>
    judge(measure(image, reference, previous, defaultThresholds), reference, defaultThresholds);

  it('finds nothing wrong with the healthy scene', () => {
    for (let seed = 20; seed < 30; seed++)
      assert.deepEqual(verdictsOf(scene({ noiseSeed: seed }), scene({ noiseSeed: seed + 1 })), {
        covered: false,
        blurred: false,
        moved: false,
        obstructed: false,
        frozen: false,
      });
  });

  it('sees a covered or blacked-out lens, and judges nothing else on it', () => {
    assert.deepEqual(verdictsOf(flat(5)), { covered: true, blurred: null, moved: null, obstructed: null, frozen: null });
    assert.equal(verdictsOf(flat(230)).covered, true, 'a uniform bright cover');
    assert.equal(verdictsOf(scene({ level: 0.15, blurRadius: 8 })).covered, true, 'dark and blurred');
  });

  it('sees a defocused lens', () => {
    assert.equal(verdictsOf(scene({ blurRadius: 6 })).blurred, true);
  });

  it('sees a turned camera, not a darker scene', () => {
    assert.equal(verdictsOf(scene({ shift: 60 })).moved, true);
    assert.equal(verdictsOf(scene({ level: 0.6 })).moved, false);
  });

  it('sees part of the lens sprayed', () => {
    const verdicts = verdictsOf(scene({ blob: true }));
    assert.equal(verdicts.obstructed, true);
    assert.equal(verdicts.moved, false);
  });

  it('sees a frozen picture', () => {
    assert.equal(verdictsOf(scene(), scene()).frozen, true);
    assert.equal(verdictsOf(scene({ noiseSeed: 3 }), scene()).frozen, false);
  });

  it('judges only covered and frozen without a learnt reference', () => {
    const fresh = referenceModel(scene());
    assert.deepEqual(judge(measure(scene({ blurRadius: 6 }), fresh, null, defaultThresholds), fresh, defaultThresholds), {
      covered: false,
      blurred: null,
      moved: null,
      obstructed: null,
      frozen: null,
    });
  });

  it('does not judge moved or obstructed on a scene without stable structure', () => {
    const unstable = { ...reference, learnt: { checks: 6, minCorrelation: 0.1, minSharpnessRatio: 0.8, maxLostFraction: 0.6 } };
    const verdicts = judge(measure(scene({ shift: 60 }), unstable, null, defaultThresholds), unstable, defaultThresholds);
    assert.equal(verdicts.moved, null);
    assert.equal(verdicts.obstructed, null);
  });
});

describe('hysteresis', () => {
  it('raises after raiseAfter bad pictures in a row and clears after clearAfter good ones', () => {
    const thresholds = { ...defaultThresholds, raiseAfter: 3, clearAfter: 2 };
    let state: CheckState = { raised: false, streak: 0 };
    const run = (bad: boolean | null) => {
      const next = step(state, bad, 'covered', thresholds);
      state = next.state;
      return next.transition;
    };
    assert.deepEqual(
      [run(true), run(true), run(false), run(true), run(null), run(true)],
      [null, null, null, null, null, null],
      'a good picture restarts the run; null changes nothing',
    );
    assert.equal(run(true), 'raised');
    assert.deepEqual([run(false), run(true), run(false)], [null, null, null]);
    assert.equal(run(false), 'cleared');
  });

  it('counts frozenChecks for the frozen picture', () => {
    const thresholds = { ...defaultThresholds, raiseAfter: 1, frozenChecks: 4 };
    let state: CheckState = { raised: false, streak: 0 };
    const transitions = [1, 2, 3, 4].map(() => {
      const next = step(state, true, 'frozen', thresholds);
      state = next.state;
      return next.transition;
    });
    assert.deepEqual(transitions, [null, null, null, 'raised']);
  });
});
