// The five picture checks and their hysteresis (docs/health.md): covered, blurred, moved,
// obstructed, frozen. A check is judged on one picture against the camera's reference (captured
// by an administrator, per PTZ preset) and against the previous picture; a fault is raised after
// `raiseAfter` bad pictures in a row and cleared after `clearAfter` good ones. Pure: no IO.
import {
  blockEdgeEnergy,
  changedFraction,
  downscale,
  edgeLossFraction,
  type GrayImage,
  laplacianVariance,
  luminance,
  normalisedCorrelation,
} from './picture-metrics.ts';

export const pictureChecks = ['covered', 'blurred', 'moved', 'obstructed', 'frozen'] as const;
export type PictureCheck = (typeof pictureChecks)[number];

/** Covered, turned and sprayed are tampering; a blurred or frozen picture is a picture fault. */
export const tamperChecks: ReadonlySet<PictureCheck> = new Set(['covered', 'moved', 'obstructed']);

export interface Thresholds {
  /** Bad pictures in a row before a fault is raised, good ones before it clears. */
  raiseAfter: number;
  clearAfter: number;
  /** Covered or blacked out: mean luminance at most this (0-255) with a standard deviation at most `coveredMaxStd`, or any picture flatter than `uniformMaxStd`. */
  coveredMaxMean: number;
  coveredMaxStd: number;
  uniformMaxStd: number;
  /** Blurred: the Laplacian's variance below this share of the reference's (or half the lowest share learnt, if lower). */
  blurMaxSharpnessRatio: number;
  /** Moved: correlation with the reference below this (or 0.6 x the lowest learnt, if lower); not judged when the learnt correlation is below `movedMinStableCorrelation`. */
  movedMinCorrelation: number;
  movedMinStableCorrelation: number;
  /** Obstructed: more than this share of the reference's textured blocks lost their edges (or 1.5 x the most learnt); not judged when the learnt share exceeds `obstructedMaxStableLoss`, nor on a scene without stable structure (as moved). */
  obstructedMaxLostFraction: number;
  obstructedMaxStableLoss: number;
  /** Frozen: at most this share of pixels changed by more than `frozenPixelDelta` since the previous picture, `frozenChecks` pictures in a row. */
  frozenMaxChangedFraction: number;
  frozenPixelDelta: number;
  frozenChecks: number;
  /** Healthy pictures after a reference is captured from which what is normal for the scene is learnt. */
  learningChecks: number;
}

export const defaultThresholds: Thresholds = {
  raiseAfter: 3,
  clearAfter: 3,
  coveredMaxMean: 35,
  coveredMaxStd: 15,
  uniformMaxStd: 4,
  blurMaxSharpnessRatio: 0.35,
  movedMinCorrelation: 0.6,
  movedMinStableCorrelation: 0.5,
  obstructedMaxLostFraction: 0.3,
  obstructedMaxStableLoss: 0.35,
  frozenMaxChangedFraction: 0.0001,
  frozenPixelDelta: 3,
  frozenChecks: 3,
  learningChecks: 6,
};

/** Blocks whose reference edge energy is below this are flat (sky, wall): they cannot lose edges. */
const MIN_BLOCK_ENERGY = 2;
const EDGE_LOSS_RATIO = 0.3;
const CORRELATION_FACTOR = 8;

/** What is kept of a reference picture to compare the next ones with. */
export interface ReferenceModel {
  sharpness: number;
  blocks: Float64Array;
  small: GrayImage;
  /** What the healthy pictures after the capture showed (null while learning). */
  learnt: LearntScene | null;
}

export interface LearntScene {
  checks: number;
  minCorrelation: number;
  minSharpnessRatio: number;
  maxLostFraction: number;
}

export function referenceModel(image: GrayImage, learnt: LearntScene | null = null): ReferenceModel {
  return { sharpness: laplacianVariance(image), blocks: blockEdgeEnergy(image), small: downscale(image, CORRELATION_FACTOR), learnt };
}

export interface Measures {
  mean: number;
  std: number;
  sharpnessRatio: number | null;
  correlation: number | null;
  lostFraction: number | null;
  changedFraction: number | null;
}

export function measure(image: GrayImage, reference: ReferenceModel | null, previous: GrayImage | null, thresholds: Thresholds): Measures {
  const { mean, std } = luminance(image);
  const sharpness = reference ? laplacianVariance(image) : 0;
  return {
    mean,
    std,
    sharpnessRatio: reference ? (reference.sharpness > 0 ? sharpness / reference.sharpness : 1) : null,
    correlation: reference ? normalisedCorrelation(downscale(image, CORRELATION_FACTOR), reference.small) : null,
    lostFraction: reference
      ? edgeLossFraction(blockEdgeEnergy(image), reference.blocks, { minReferenceEnergy: MIN_BLOCK_ENERGY, lossRatio: EDGE_LOSS_RATIO })
      : null,
    changedFraction: previous ? changedFraction(image, previous, thresholds.frozenPixelDelta) : null,
  };
}

/** Each check's verdict on one picture: true bad, false good, null not judged (no reference, still learning, suppressed by a worse fault). */
export type Verdicts = Record<PictureCheck, boolean | null>;

export function judge(measures: Measures, reference: ReferenceModel | null, thresholds: Thresholds): Verdicts {
  const covered = (measures.mean <= thresholds.coveredMaxMean && measures.std <= thresholds.coveredMaxStd) || measures.std <= thresholds.uniformMaxStd;
  const frozen = measures.changedFraction === null ? null : measures.changedFraction <= thresholds.frozenMaxChangedFraction;
  const verdicts: Verdicts = { covered, blurred: null, moved: null, obstructed: null, frozen };
  // A covered lens explains every other measure: nothing else is judged on it.
  const learnt = reference?.learnt;
  if (covered || !learnt || learnt.checks < thresholds.learningChecks) return verdicts;
  if (learnt.minCorrelation >= thresholds.movedMinStableCorrelation && measures.correlation !== null)
    verdicts.moved = measures.correlation < Math.min(thresholds.movedMinCorrelation, learnt.minCorrelation * 0.6);
  // A turned camera shows another scene: sharpness and edges against the reference mean nothing then.
  if (verdicts.moved) return verdicts;
  if (measures.sharpnessRatio !== null) verdicts.blurred = measures.sharpnessRatio < Math.min(thresholds.blurMaxSharpnessRatio, learnt.minSharpnessRatio * 0.5);
  if (verdicts.blurred) return verdicts;
  // Edges are compared block by block with the reference: only on a scene that stays the same scene.
  const stable = learnt.minCorrelation >= thresholds.movedMinStableCorrelation;
  if (stable && learnt.maxLostFraction <= thresholds.obstructedMaxStableLoss && measures.lostFraction !== null)
    verdicts.obstructed = measures.lostFraction > Math.max(thresholds.obstructedMaxLostFraction, learnt.maxLostFraction * 1.5);
  return verdicts;
}

/** Whether the scene is still being learnt after the reference's capture. */
export function learning(model: ReferenceModel, thresholds: Thresholds): boolean {
  return (model.learnt?.checks ?? 0) < thresholds.learningChecks;
}

/** Folds one picture's measures (not a covered one) into what is learnt of the scene. */
export function learn(model: ReferenceModel, measures: Measures): LearntScene {
  const seen = model.learnt ?? { checks: 0, minCorrelation: 1, minSharpnessRatio: Number.POSITIVE_INFINITY, maxLostFraction: 0 };
  return {
    checks: seen.checks + 1,
    minCorrelation: Math.min(seen.minCorrelation, measures.correlation ?? 1),
    minSharpnessRatio: Math.min(seen.minSharpnessRatio, measures.sharpnessRatio ?? 1),
    maxLostFraction: Math.max(seen.maxLostFraction, measures.lostFraction ?? 0),
  };
}

/** One check's hysteresis: raised or not, and the run of pictures against its current state. */
export interface CheckState {
  raised: boolean;
  streak: number;
}

export type Transition = 'raised' | 'cleared' | null;

export function step(state: CheckState, bad: boolean | null, check: PictureCheck, thresholds: Thresholds): { state: CheckState; transition: Transition } {
  if (bad === null) return { state, transition: null };
  const needed = state.raised ? thresholds.clearAfter : check === 'frozen' ? thresholds.frozenChecks : thresholds.raiseAfter;
  const against = bad !== state.raised;
  if (!against) return { state: { raised: state.raised, streak: 0 }, transition: null };
  const streak = state.streak + 1;
  if (streak < needed) return { state: { raised: state.raised, streak }, transition: null };
  return { state: { raised: !state.raised, streak: 0 }, transition: state.raised ? 'cleared' : 'raised' };
}
