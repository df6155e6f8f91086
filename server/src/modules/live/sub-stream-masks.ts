// Sub-streams follow their masks (LEGAL 4): a mask added, changed or removed, a PTZ preset
// reached or left, and the camera's sub-stream sources start over with the polygons in force
// (masked: the source's ffmpeg burns the new image in; no mask left: served as received). A
// new image that cannot be written stops those sources and tells their viewers why (fail
// closed). Passes run one after another; one waiting to start is shared (it reads the newest
// position when it starts).
import type { DomainError } from '../../platform/errors.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { LiveSourceFactory } from './live-source-factory.ts';
import type { LiveSources } from './live-sources.ts';
import { unavailable } from './live.rules.ts';

export class SubStreamMasks {
  private passes: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    private readonly sources: LiveSources,
    private readonly factory: LiveSourceFactory,
    /** Ends the viewings of a source (its registry key) with this error. */
    private readonly endViewingsOf: (sourceKey: string, error: DomainError) => void,
    private readonly log: ProcessLog,
  ) {}

  /** Sub-stream masks re-read now (after the pass under way, if any); a pass already waiting to start is shared. */
  refreshNow(): Promise<void> {
    if (this.queued) return this.queued;
    const pass = this.passes
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      })
      .catch((error: unknown) => this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'sub-stream masks not refreshed'));
    this.queued = pass;
    this.passes = pass;
    return pass;
  }

  private async refresh(): Promise<void> {
    const subSources = this.sources.all().filter((source) => source.stream === 'sub');
    if (subSources.length === 0) return;
    const masks = await this.factory.masksOf([...new Set(subSources.map((source) => source.cameraId))]);
    for (const source of subSources) {
      const mask = masks.get(source.cameraId) ?? null;
      if ((mask?.version ?? null) === this.sources.maskVersionOf(source)) continue;
      const change = await this.factory.applyMask(source, mask);
      if (change === 'unchanged') continue;
      if (change === 'failed') {
        const refused = unavailable(
          'Sous-flux arrêté : le nouveau masque de vie privée n’a pas pu être appliqué.',
          'Sub-stream stopped: the new privacy mask could not be applied.',
        );
        this.endViewingsOf(source.key, refused);
        await this.sources.stopSource(source);
        continue;
      }
      this.sources.setMaskVersion(source, mask?.version ?? null);
      await source.restart();
    }
  }
}
