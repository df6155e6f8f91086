// Child process of `./vigie bench live`: N WebSocket viewers of the server under test, in their
// own Node process (their CPU is not the server's). Each viewer signs in with the session
// cookie it is given and opens /api/cameras/:id/live/ws. Measured per viewer:
//   - first picture: from `new WebSocket()` to the first fragment whose first sample is a
//     keyframe (the server sends init JSON, init segment, then its cached GOP). The first viewer
//     of each camera connects first (all at once): it starts the camera's live source; once they
//     play (or after 10 s), all the others connect at once and join running sources;
//   - latency camera -> viewer, per picture: the simulator plays picture i of a loop of F
//     pictures when the wall clock modulo the loop's length is i / fps (a grid aligned on the
//     Unix epoch), so the picture received is recognised by its bytes (SHA-1 of its VCL NAL
//     units, the same bytes in the camera's Annex-B loop and in the MP4 sample, which the live
//     path copies without re-encoding) and the time it left the camera is the latest grid
//     time of index i before its arrival. Pictures re-encoded (masks, transcode) are not
//     recognised and are only counted.
// Prints `{"type":"window-start"}` when the measured window opens, then one result line.
// Usage: node --import tsx bench/live-viewers.ts '<json: ViewersOptions>'
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { FragmentedMp4Reader, mdatSamples, type MediaFragment } from '../server/src/platform/media/fmp4.ts';
import { parseAccessUnits } from '../simulator/src/h26x.ts';
import type { BenchCamera } from './live-cameras.ts';

export interface ViewersOptions {
  baseUrl: string;
  cookie: string;
  /** One entry per viewer: the server's camera id, its simulator camera, the stream asked for. */
  viewers: Array<{ cameraId: string; simulatorId: string; stream: 'main' | 'sub' | 'auto' }>;
  cameras: BenchCamera[];
  loopSeconds: number;
  warmupSeconds: number;
  seconds: number;
}

export interface ViewerResult {
  /** 'start': the first viewer of its camera (starts the source); 'join': a viewer joining a running source. */
  phase: 'start' | 'join';
  initMs: number | null;
  firstPictureMs: number | null;
  error: string | null;
  stream: string | null;
  fragments: number;
  recognised: number;
  bytes: number;
  latenciesMs: number[];
}

const isVcl = (codec: 'h264' | 'h265', unit: Buffer) => (codec === 'h264' ? (unit[0]! & 0x1f) >= 1 && (unit[0]! & 0x1f) <= 5 : ((unit[0]! >> 1) & 0x3f) < 32);

function pictureKey(codec: 'h264' | 'h265', units: Buffer[]): string {
  const hash = createHash('sha1');
  for (const unit of units) if (unit.length > 0 && isVcl(codec, unit)) hash.update(unit);
  return hash.digest('base64');
}

/** Picture index in the loop by its bytes; pictures that occur twice in a loop are left out (ambiguous). */
function loopIndex(camera: BenchCamera, stream: 'main' | 'sub'): Map<string, number> {
  const units = parseAccessUnits(camera.codec, readFileSync(camera.loopFiles[stream]));
  const index = new Map<string, number>();
  const seen = new Set<string>();
  units.forEach((unit, position) => {
    const key = pictureKey(camera.codec, unit.nalUnits);
    if (seen.has(key)) index.delete(key);
    else index.set(key, position);
    seen.add(key);
  });
  return index;
}

/** AVCC/HVCC sample (4-byte lengths) into NAL units. */
function sampleUnits(sample: Buffer): Buffer[] {
  const units: Buffer[] = [];
  for (let offset = 0; offset + 4 <= sample.length; ) {
    const length = sample.readUInt32BE(offset);
    units.push(sample.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return units;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ViewersOptions;
const cameras = new Map(options.cameras.map((camera) => [camera.id, camera]));
const indexes = new Map<string, Map<string, number>>();
const indexFor = (camera: BenchCamera, stream: 'main' | 'sub') => {
  const key = `${camera.id}/${stream}`;
  if (!indexes.has(key)) indexes.set(key, loopIndex(camera, stream));
  return indexes.get(key)!;
};
const wallClock = () => performance.timeOrigin + performance.now();

let measuring = false;
const firstOfCamera = new Set(options.viewers.map((viewer) => viewer.simulatorId)).size;
const results: ViewerResult[] = options.viewers.map((_, position) => ({
  phase: position < firstOfCamera ? 'start' : 'join',
  initMs: null,
  firstPictureMs: null,
  error: null,
  stream: null,
  fragments: 0,
  recognised: 0,
  bytes: 0,
  latenciesMs: [],
}));
const sockets: WebSocket[] = [];

function connect(viewer: ViewersOptions['viewers'][number], position: number): void {
  const result = results[position]!;
  const camera = cameras.get(viewer.simulatorId)!;
  const reader = new FragmentedMp4Reader();
  const openedAt = performance.now();
  let stream: 'main' | 'sub' = 'main';
  const url = `${options.baseUrl.replace(/^http/, 'ws')}/api/cameras/${viewer.cameraId}/live/ws?stream=${viewer.stream}`;
  const socket = new WebSocket(url, { headers: { cookie: options.cookie } });
  sockets.push(socket);
  socket.on('error', (error) => {
    result.error ??= error.message;
  });
  socket.on('message', (data, isBinary) => {
    const arrivedAt = wallClock();
    const buffer = data as Buffer;
    if (!isBinary) {
      const message = JSON.parse(buffer.toString('utf8')) as { type: string; stream?: 'main' | 'sub'; code?: string };
      if (message.type === 'init' && message.stream) stream = message.stream;
      if (message.type === 'init') result.initMs ??= performance.now() - openedAt;
      if (message.type === 'error') result.error = message.code ?? 'error';
      result.stream = stream;
      return;
    }
    if (measuring) result.bytes += buffer.length;
    for (const event of reader.push(buffer)) {
      if (event.kind !== 'fragment') continue;
      if (result.firstPictureMs === null && event.fragment.keyframe) result.firstPictureMs = performance.now() - openedAt;
      if (measuring) measure(result, camera, stream, event.fragment, arrivedAt);
    }
  });
}

function measure(result: ViewerResult, camera: BenchCamera, stream: 'main' | 'sub', fragment: MediaFragment, arrivedAt: number): void {
  result.fragments += 1;
  const [sample] = mdatSamples(fragment.data.subarray(fragment.mdatOffset), fragment.sampleSizes);
  if (!sample) return;
  const index = indexFor(camera, stream).get(pictureKey(camera.codec, sampleUnits(sample)));
  if (index === undefined) return;
  const periodMs = 1000 / camera.fps[stream];
  const pictures = Math.round(options.loopSeconds * camera.fps[stream]);
  // The latest tick n with n mod pictures = index, at or before the arrival.
  const tick = Math.floor((arrivedAt / periodMs - index) / pictures) * pictures + index;
  result.recognised += 1;
  result.latenciesMs.push(arrivedAt - tick * periodMs);
}

// Viewers are spread over the cameras in turn: the first `firstOfCamera` are one per camera.
for (const [position, viewer] of options.viewers.slice(0, firstOfCamera).entries()) connect(viewer, position);
const startDeadline = Date.now() + 10_000;
while (Date.now() < startDeadline && results.slice(0, firstOfCamera).some((result) => result.firstPictureMs === null && result.error === null)) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
for (const [position, viewer] of options.viewers.slice(firstOfCamera).entries()) connect(viewer, firstOfCamera + position);
await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1000));
measuring = true;
process.stdout.write(`${JSON.stringify({ type: 'window-start' })}\n`);
await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
measuring = false;
process.stdout.write(`${JSON.stringify({ type: 'window-end' })}\n`);
for (const socket of sockets) socket.close();
await new Promise((resolve) => setTimeout(resolve, 500));
// A pipe is written asynchronously: exit only once the (large) result line is flushed.
process.stdout.write(`${JSON.stringify({ type: 'result', viewers: results })}\n`, () => process.exit(0));
