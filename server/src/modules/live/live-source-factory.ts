// How each live source is built, and how a sub-stream follows its mask (LEGAL 4):
// - main stream: the recorder's single camera connection, its masks already burnt in; the
//   native engine's fragmented MP4 is served as it is (`direct`, no ffmpeg) unless it must be
//   transcoded, the ffmpeg engine's MPEG-TS is remuxed by one ffmpeg fed on stdin;
// - sub-stream (issue 12 item 4): Vigie's own RTSP client (`SubStreamIngest`), the source's only
//   camera connection; neither masked nor transcoded it is `direct` (no child process at all);
//   masked or transcoded, ONE ffmpeg is fed its fragmented MP4 on stdin and opens nothing: no
//   URL, no credentials, no credentials file. Fail closed: no mask known, no sub-stream.
import type { StreamCredentials } from '../../platform/media/ffmpeg-args.ts';
import { liveRemuxArgs } from '../../platform/media/live-args.ts';
import type { ProcessLog, Spawner } from '../../platform/processes.ts';
import type { RtspClient, RtspClientOptions } from '../../platform/rtsp/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { FleetMask } from '../masks/index.ts';
import type { PresetPositions } from '../ptz/index.ts';
import { LiveSource, type LiveSourceInput, type LiveStream } from './live-source.ts';
import { unavailable } from './live.rules.ts';
import { SubStreamIngest } from './sub-stream-ingest.ts';

/** What a main-stream source needs of the recorder role running in this process: its live copy. */
export interface RecorderLiveCopy {
  subscribe(cameraId: string, listener: (packets: Buffer) => void): () => void;
  formatOf?(cameraId: string): 'mpegts' | 'mp4';
}

export interface LiveSourceFactoryDeps {
  cameras: { streamCredentials(id: string): Promise<StreamCredentials | null> };
  masks: { recorderMasks(cameraIds: readonly string[], positions?: PresetPositions): Promise<Map<string, FleetMask>> };
  ptzPositions?: PresetPositions;
  maskImages: { write(cameraId: string, mask: Pick<FleetMask, 'polygons'>): Promise<string> };
  log: ProcessLog;
  spawner?: Spawner;
  ffmpegPath?: string;
  /** Tests: the sub-streams' RTSP client. */
  createRtspClient?: (options: RtspClientOptions) => RtspClient;
  /** A source's ffmpeg without output for this long is restarted. */
  sourceStallMs: number;
  /** A sub-stream silent for this long (or an RTSP request unanswered) is reconnected. */
  socketTimeoutSeconds: number;
}

/** The registry key of a source: one per (camera, stream, transcode). */
export function sourceKey(cameraId: string, stream: LiveStream, transcodeToH264: boolean): string {
  return `${cameraId}/${stream}/${transcodeToH264 ? 'h264' : 'copy'}`;
}

export type MaskChange = 'unchanged' | 'applied' | 'failed';

export class LiveSourceFactory {
  /** Where each sub-stream source keeps the mask image its next run burns in. */
  private readonly maskStates = new WeakMap<LiveSource, { maskImagePath: string | undefined }>();

  constructor(private readonly deps: LiveSourceFactoryDeps) {}

  async create(
    camera: CameraView,
    stream: LiveStream,
    transcodeToH264: boolean,
    recorder: RecorderLiveCopy,
  ): Promise<{ source: LiveSource; maskVersion: string | null }> {
    if (stream === 'main') return { source: this.mainSource(camera, transcodeToH264, recorder), maskVersion: null };
    return this.subSource(camera, transcodeToH264);
  }

  private common(cameraId: string, stream: LiveStream, transcodeToH264: boolean) {
    return {
      key: sourceKey(cameraId, stream, transcodeToH264),
      cameraId,
      stream,
      transcodeToH264,
      stallTimeoutMs: this.deps.sourceStallMs,
      spawner: this.deps.spawner,
      ffmpegPath: this.deps.ffmpegPath,
      log: this.deps.log,
    };
  }

  private mainSource(camera: CameraView, transcodeToH264: boolean, recorder: RecorderLiveCopy): LiveSource {
    const inputFormat = recorder.formatOf?.(camera.id) ?? 'mpegts';
    const input: LiveSourceInput = {
      cameraConnection: false,
      direct: inputFormat === 'mp4' && !transcodeToH264,
      inputFormat,
      args: () => liveRemuxArgs({ transcodeToH264, inputFormat }),
      feed: (write) => recorder.subscribe(camera.id, write),
    };
    return new LiveSource({ ...this.common(camera.id, 'main', transcodeToH264), reencodes: transcodeToH264, input });
  }

  private async subSource(camera: CameraView, transcodeToH264: boolean): Promise<{ source: LiveSource; maskVersion: string | null }> {
    const rtspUrl = camera.subStreamUrl;
    if (!rtspUrl) throw new Error(`camera ${camera.id} has no sub-stream`);
    const credentials = await this.deps.cameras.streamCredentials(camera.id);
    const mask = await this.subStreamMask(camera.id);
    const state = { maskImagePath: mask?.imagePath };
    const common = this.common(camera.id, 'sub', transcodeToH264);
    const ingest = new SubStreamIngest({
      name: common.key,
      rtspUrl,
      credentials: credentials ?? undefined,
      timeoutMs: this.deps.socketTimeoutSeconds * 1000,
      transport: camera.rtspTransport,
      log: this.deps.log,
      createClient: this.deps.createRtspClient,
    });
    const direct = () => state.maskImagePath === undefined && !transcodeToH264;
    const input: LiveSourceInput = {
      cameraConnection: true,
      get direct() {
        return direct();
      },
      inputFormat: 'mp4',
      args: () => liveRemuxArgs({ inputFormat: 'mp4', transcodeToH264, maskImagePath: state.maskImagePath }),
      // A fed ffmpeg cannot take a second init segment (a new RTSP session): it starts a new run, fed from the new init on.
      feed: (write) => (direct() ? ingest.subscribe(write) : ingest.subscribe(write, () => void source.restart())),
      cameraConnected: () => ingest.connected,
      close: () => ingest.stop(),
    };
    const source = new LiveSource({ ...common, reencodes: mask !== null || transcodeToH264, input });
    this.maskStates.set(source, state);
    return { source, maskVersion: mask?.version ?? null };
  }

  /** The mask the sub-stream must carry (LEGAL 4), its image written; any failure refuses the sub-stream. */
  private async subStreamMask(cameraId: string): Promise<{ version: string; imagePath: string } | null> {
    try {
      const mask = (await this.deps.masks.recorderMasks([cameraId], this.deps.ptzPositions)).get(cameraId);
      if (!mask) return null;
      return { version: mask.version, imagePath: await this.deps.maskImages.write(cameraId, mask) };
    } catch (error) {
      this.deps.log.warn({ camera: cameraId, error: error instanceof Error ? error.message : String(error) }, 'privacy mask unknown: sub-stream refused');
      throw unavailable(
        'Sous-flux indisponible : le masque de vie privée de la caméra n’a pas pu être appliqué.',
        'Sub-stream unavailable: the camera’s privacy mask could not be applied.',
      );
    }
  }

  /** The masks in force now for these sub-stream cameras (at their PTZ positions). */
  masksOf(cameraIds: readonly string[]): Promise<Map<string, FleetMask>> {
    return this.deps.masks.recorderMasks(cameraIds, this.deps.ptzPositions);
  }

  /**
   * A sub-stream source's next run burns `mask` in (null: none, served as it is unless
   * transcoded); `failed` when its image could not be written (the caller stops the source:
   * fail closed). The caller restarts the source once `applied`.
   */
  async applyMask(source: LiveSource, mask: FleetMask | null): Promise<MaskChange> {
    const state = this.maskStates.get(source);
    if (!state) return 'unchanged';
    try {
      state.maskImagePath = mask ? await this.deps.maskImages.write(source.cameraId, mask) : undefined;
    } catch (error) {
      this.deps.log.warn({ camera: source.cameraId, error: String(error) }, 'new privacy mask not written: sub-stream stopped');
      return 'failed';
    }
    source.reencodes = mask !== null || source.transcodeToH264;
    return 'applied';
  }
}
