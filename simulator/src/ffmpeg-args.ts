// Pure builders of ffmpeg argument lists: the picture of each scene and fault, the encode of
// a loop, the snapshot decode. ffmpeg itself is run by processes.ts only.
import type { VideoCodec } from './h26x.ts';

export type PictureVariant =
  | { kind: 'normal' }
  | { kind: 'frozen' }
  | { kind: 'black' }
  | { kind: 'covered' }
  | { kind: 'turned_away' }
  | { kind: 'defocus'; sigma: number }
  | { kind: 'shifted'; percent: number }
  | { kind: 'spray' }
  | { kind: 'low_fps'; fps: number }
  | { kind: 'low_resolution'; width: number; height: number };

export interface LoopSpec {
  codec: VideoCodec;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  gopSeconds: number;
  loopSeconds: number;
  scene: number;
  motion: boolean;
  variant: PictureVariant;
  /** File holding the text burnt in (the camera name): a file avoids filtergraph escaping. */
  labelFile: string;
  fontFile?: string | undefined;
  /** A live PTZ view instead of the scene: the part of a wider panorama the head points at. */
  live?: PtzView | undefined;
}

export interface PtzView {
  /** ffmpeg expressions of t (seconds since the encoder started), in [-1, 1]. */
  pan: string;
  tilt: string;
  /** 0 (wide) to 1 (3x). */
  zoom: number;
}

export const SCENE_NAMES = ['test pattern', 'gradient', 'fractal', 'life', 'bars', 'cells'] as const;

function even(value: number): number {
  return Math.max(16, Math.round(value / 2) * 2);
}

/** The moving object of a motion scene crosses the picture during this window of the loop. */
export function motionWindow(loopSeconds: number): { startSeconds: number; endSeconds: number } {
  const startSeconds = Math.round(loopSeconds * 0.25 * 10) / 10;
  return { startSeconds, endSeconds: startSeconds + Math.min(6, loopSeconds * 0.5) };
}

/** A lavfi source for scene `scene` (index modulo the catalogue), hue-shifted per index. */
export function sceneSource(scene: number, width: number, height: number, fps: number): string {
  const small = `${even(width / 4)}x${even(height / 4)}`;
  const scale = `scale=${width}:${height}`;
  const kind = scene % SCENE_NAMES.length;
  const sources = [
    `testsrc2=s=${width}x${height}:r=${fps}`,
    `gradients=s=${small}:r=${fps}:speed=0.03:seed=${scene},${scale}`,
    `mandelbrot=s=${small}:r=${fps}:maxiter=256,${scale}`,
    `life=s=${even(width / 8)}x${even(height / 8)}:r=${fps}:mold=10:ratio=0.15:seed=${scene}:life_color=#40c040:death_color=#602020,${scale}:flags=neighbor`,
    `smptehdbars=s=${width}x${height}:r=${fps}`,
    `cellauto=s=${small}:r=${fps}:rule=${[30, 90, 110, 150][scene % 4]}:seed=${scene},${scale}:flags=neighbor`,
  ];
  const hue = (scene * 47) % 360;
  return `${sources[kind]},format=yuv420p,hue=h=${hue}`;
}

/**
 * A PTZ view: a panorama (a test pattern under a grid, so that position shows) of which the
 * head sees a window (0.6 of it wide, a third of that at full zoom), scaled to the picture.
 * The panorama is only the picture's size, so the view is upscaled: cheap, and honest enough.
 */
export function ptzViewSource(scene: number, width: number, height: number, fps: number, view: PtzView): string {
  const panoramaWidth = even(width);
  const panoramaHeight = even(height);
  const zoomFactor = 1 + 2 * Math.min(1, Math.max(0, view.zoom));
  const cropWidth = even((panoramaWidth * 0.6) / zoomFactor);
  const cropHeight = even((panoramaHeight * 0.6) / zoomFactor);
  const x = `(${panoramaWidth - cropWidth})*((${view.pan})+1)/2`;
  const y = `(${panoramaHeight - cropHeight})*(1-((${view.tilt})+1)/2)`;
  return (
    `testsrc2=s=${panoramaWidth}x${panoramaHeight}:r=${fps},hue=h=${(scene * 47) % 360},` +
    `drawgrid=w=${even(panoramaWidth / 8)}:h=${even(panoramaHeight / 6)}:t=2:c=white@0.6,` +
    `crop=w=${cropWidth}:h=${cropHeight}:x='${x}':y='${y}',scale=${width}:${height},format=yuv420p`
  );
}

/** The view a camera "turned away" shows: a sky-like gradient instead of its scene. */
export function turnedAwaySource(width: number, height: number, fps: number): string {
  return `gradients=s=${even(width / 4)}x${even(height / 4)}:r=${fps}:c0=0x4a6f96:c1=0xc4d6ea:nb_colors=2:speed=0.01,scale=${width}:${height},format=yuv420p`;
}

function escapeFilterValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");
}

/**
 * Burnt-in text: the camera name, and the time. The loop is served aligned to the wall clock
 * (frame i of the loop plays when wall time modulo the loop length equals i / fps), so for a
 * loop of a whole number of minutes the drawn seconds are the wall-clock seconds; shorter
 * loops draw their position in the loop instead, which is all they can honestly show.
 */
export function overlayFilters(spec: LoopSpec, fontSize: number): string {
  const font = spec.fontFile ? `fontfile='${escapeFilterValue(spec.fontFile)}':` : '';
  const box = `fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=${Math.max(2, Math.round(fontSize / 5))}`;
  const clock = spec.live
    ? `%{localtime\\:%H\\\\\\:%M\\\\\\:%S}`
    : spec.loopSeconds % 60 === 0
      ? `--\\:--\\:%{eif\\:mod(floor(t)\\,60)\\:d\\:2}`
      : `loop +%{eif\\:floor(t)\\:d\\:2}s/${spec.loopSeconds}s`;
  return [
    `drawtext=${font}textfile='${escapeFilterValue(spec.labelFile)}':x=${fontSize / 2}:y=${fontSize / 2}:fontsize=${fontSize}:${box}`,
    `drawtext=${font}text='${clock}':x=${fontSize / 2}:y=${fontSize * 2}:fontsize=${fontSize}:${box}`,
  ].join(',');
}

/** The lavfi filtergraph producing the picture of one loop (scene, motion, text, fault). */
export function pictureGraph(spec: LoopSpec): { graph: string; width: number; height: number; fps: number } {
  const width = spec.variant.kind === 'low_resolution' ? spec.variant.width : spec.width;
  const height = spec.variant.kind === 'low_resolution' ? spec.variant.height : spec.height;
  const fps = spec.variant.kind === 'low_fps' ? spec.variant.fps : spec.fps;
  const fontSize = Math.max(10, Math.round(height / 22));
  if (spec.variant.kind === 'black') return { graph: `color=c=black:s=${width}x${height}:r=${fps},format=yuv420p`, width, height, fps };
  let graph =
    spec.variant.kind === 'turned_away'
      ? turnedAwaySource(width, height, fps)
      : spec.live
        ? ptzViewSource(spec.scene, width, height, fps, spec.live)
        : sceneSource(spec.scene, width, height, fps);
  if (spec.motion && !spec.live && spec.variant.kind !== 'turned_away') {
    const { startSeconds, endSeconds } = motionWindow(spec.loopSeconds);
    const objectWidth = even(width / 8);
    const objectHeight = even(height / 5);
    const speed = (width + objectWidth) / (endSeconds - startSeconds);
    graph =
      `${graph}[scene];color=c=0xff7f00:s=${objectWidth}x${objectHeight}:r=${fps}[object];` +
      `[scene][object]overlay=x='-${objectWidth}+(t-${startSeconds})*${speed.toFixed(3)}':y=${even(height * 0.55)}:enable='between(t,${startSeconds},${endSeconds})':shortest=1`;
  }
  graph = `${graph},${overlayFilters(spec, fontSize)}`;
  if (spec.variant.kind === 'covered') graph = `${graph},boxblur=${Math.max(4, Math.round(width / 40))}:2,eq=brightness=-0.45:contrast=0.5`;
  if (spec.variant.kind === 'frozen') graph = `${graph},trim=end_frame=1,loop=loop=-1:size=1:start=0`;
  if (spec.variant.kind === 'defocus') graph = `${graph},gblur=sigma=${spec.variant.sigma}`;
  if (spec.variant.kind === 'shifted') {
    // The head turned: the scene moves sideways by that share of its width (the edge it uncovers is repeated).
    const shift = even((width * spec.variant.percent) / 100);
    graph = `${graph},crop=${width - shift}:${height}:${shift}:0,pad=${width}:${height}:0:0:black,fillborders=right=${shift}:mode=smear`;
  }
  if (spec.variant.kind === 'spray') {
    // A blurred, dull blob over the left two thirds of the lens (paint sprayed on it).
    const blobWidth = even(width * 0.65);
    const blobHeight = even(height * 0.8);
    graph = `${graph},split[picture][under];[under]crop=${blobWidth}:${blobHeight}:0:${even(height * 0.1)},boxblur=${Math.max(8, Math.round(width / 16))}:4,eq=brightness=-0.15:contrast=0.3[blob];[picture][blob]overlay=0:${even(height * 0.1)}`;
  }
  return { graph, width, height, fps };
}

export function gopFrames(fps: number, gopSeconds: number): number {
  return Math.max(1, Math.round(fps * gopSeconds));
}

/** Encodes one loop to a raw Annex-B file with fixed GOPs, no B-frames, headers on each IDR. */
export function loopEncodeArgs(spec: LoopSpec, outputFile: string): string[] {
  const { graph, fps } = pictureGraph(spec);
  const gop = gopFrames(fps, spec.gopSeconds);
  const rate = [`-b:v`, `${spec.bitrateKbps}k`, `-maxrate`, `${spec.bitrateKbps}k`, `-bufsize`, `${spec.bitrateKbps}k`];
  const codecArgs =
    spec.codec === 'h264'
      ? [
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-bf',
          '0',
          '-g',
          String(gop),
          '-x264-params',
          `keyint=${gop}:min-keyint=${gop}:scenecut=0:repeat-headers=1`,
          '-f',
          'h264',
        ]
      : [
          '-c:v',
          'libx265',
          '-preset',
          'ultrafast',
          '-g',
          String(gop),
          '-x265-params',
          `keyint=${gop}:min-keyint=${gop}:scenecut=0:bframes=0:repeat-headers=1:log-level=error`,
          '-f',
          'hevc',
        ];
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    graph,
    '-t',
    String(spec.loopSeconds),
    '-pix_fmt',
    'yuv420p',
    ...rate,
    ...codecArgs,
    outputFile,
  ];
}

/** Encodes a live view at its own pace (-re) to Annex-B on stdout, one packet per write. */
export function liveEncodeArgs(spec: LoopSpec): string[] {
  const args = loopEncodeArgs(spec, 'pipe:1');
  const duration = args.indexOf('-t');
  args.splice(duration, 2);
  args.splice(args.indexOf('-f'), 0, '-re');
  args.splice(args.length - 1, 0, '-flush_packets', '1');
  return args;
}

/** Decodes the Annex-B picture(s) fed on stdin and writes the first as a JPEG on stdout. */
export function snapshotArgs(codec: VideoCodec): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-f',
    codec === 'h264' ? 'h264' : 'hevc',
    '-i',
    'pipe:0',
    '-frames:v',
    '1',
    '-q:v',
    '4',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    'pipe:1',
  ];
}
