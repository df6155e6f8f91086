// The live picture of a PTZ camera: one ffmpeg per viewed profile, encoding in real time a
// view that follows the head. A PTZ command restarts the encoder with the new trajectory;
// the new encoder's pictures replace the old ones from its first keyframe, so viewers never
// see a gap longer than an encoder start-up, and never an undecodable picture.
import { liveEncodeArgs, type LoopSpec } from './ffmpeg-args.ts';
import { AccessUnitAssembler, AnnexBSplitter, findParameterSets, type AccessUnit, type ParameterSets } from './h26x.ts';
import { startFfmpeg, type LiveProcess } from './processes.ts';

interface Run {
  process: LiveProcess;
  spec: LoopSpec;
  started: boolean;
}

/** How long a replacement encoder may take to show its first keyframe before it is given up. */
const START_TIMEOUT_MS = 10_000;

export class LiveEncoder {
  private active: Run | undefined;
  private starting: Run | undefined;
  private stopped = false;
  lastKeyframe: AccessUnit | undefined;
  parameterSets: ParameterSets | undefined;
  fps = 0;

  constructor(private readonly onFrame: (frame: AccessUnit, fps: number) => void) {}

  /** Starts (or restarts with) a picture; resolves when its first keyframe is out. */
  start(spec: LoopSpec): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('live encoder stopped'));
    const splitter = new AnnexBSplitter();
    const assembler = new AccessUnitAssembler(spec.codec);
    let resolveFirst: () => void = () => undefined;
    let rejectFirst: (error: Error) => void = () => undefined;
    const first = new Promise<void>((resolve, reject) => {
      resolveFirst = resolve;
      rejectFirst = reject;
    });
    const fps = spec.variant.kind === 'low_fps' ? spec.variant.fps : spec.fps;
    const run: Run = {
      spec,
      started: false,
      process: startFfmpeg(
        liveEncodeArgs(spec),
        (chunk) => {
          for (const unit of splitter.push(chunk)) {
            const frame = assembler.push(unit);
            if (frame) this.accept(run, frame, fps, resolveFirst);
          }
        },
        () => {
          if (!run.started) rejectFirst(new Error('live encoder exited before its first picture'));
          if (this.active === run) this.active = undefined;
          if (this.starting === run) this.starting = undefined;
        },
      ),
    };
    const previousStarting = this.starting;
    this.starting = run;
    void previousStarting?.process.stop();
    const timer = setTimeout(() => {
      if (!run.started) {
        void run.process.stop();
        rejectFirst(new Error('live encoder did not start'));
      }
    }, START_TIMEOUT_MS);
    return first.finally(() => clearTimeout(timer));
  }

  private accept(run: Run, frame: AccessUnit, fps: number, resolveFirst: () => void): void {
    if (this.stopped) {
      void run.process.stop();
      return;
    }
    if (!run.started) {
      if (!frame.keyframe || this.starting !== run) return;
      run.started = true;
      const previous = this.active;
      this.active = run;
      this.starting = undefined;
      void previous?.process.stop();
      this.parameterSets = findParameterSets(run.spec.codec, [frame]);
      this.fps = fps;
      resolveFirst();
    }
    if (this.active !== run) return;
    if (frame.keyframe) this.lastKeyframe = frame;
    this.onFrame(frame, fps);
  }

  get running(): boolean {
    return this.active !== undefined || this.starting !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const runs = [this.active, this.starting];
    this.active = undefined;
    this.starting = undefined;
    await Promise.all(runs.map((run) => run?.process.stop()));
  }
}
