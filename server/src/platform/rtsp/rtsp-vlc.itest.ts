// RtspClient against an independent RTSP server: VLC (Debian's vlc-bin and vlc-plugin-base)
// serving a small H.264 file with `--sout '#rtp{sdp=rtsp://...}'`. Skipped when VLC or
// ffmpeg is not installed. VLC's quirks met here: its `#rtp` RTSP server refuses RTP over TCP
// (461) and serves UDP only; its sender reports carry SSRC 0 (not the SSRC it announces); it
// renumbers its track (trackID) at every loop of the file; it refuses to run as root (run as
// nobody through setpriv).
import assert from 'node:assert/strict';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FFMPEG_PATH, nodeSpawner, type SpawnedChild } from '../processes.ts';
import { RtspClient, type RtspError } from './index.ts';

const VLC = 'cvlc';
const SETPRIV = 'setpriv';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const isRoot = process.getuid?.() === 0;
const missing = [VLC, FFMPEG_PATH, ...(isRoot ? [SETPRIV] : [])].filter((command) => !onPath(command));
const skip = missing.length > 0 ? `needs ${missing.join(', ')} (apt-get install -y vlc-bin vlc-plugin-base ffmpeg)` : false;

let vlc: SpawnedChild | undefined;
let vlcExited: Promise<void> | undefined;
let vlcLog = '';
let directory = '';
let url = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** VLC needs a moment before its RTSP server answers, and a DESCRIBE before its input runs gets 404. */
async function startWhenReady(transport: 'tcp' | 'udp', timeoutMs: number): Promise<{ client: RtspClient; codec: string; sps: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new RtspClient({ url, transport, timeoutMs: 5000 });
    try {
      const session = await client.start();
      return { client, codec: session.track.codec, sps: session.track.parameterSets.sps?.length ?? 0 };
    } catch (error) {
      await client.stop();
      const code = (error as RtspError).code;
      if (code !== 'rtsp_connection_failed' && code !== 'rtsp_not_found') throw error;
      if (Date.now() > deadline) throw new Error(`VLC did not serve ${url} in time (${code}); its log:\n${vlcLog.slice(-2000)}`);
      await sleep(250);
    }
  }
}

describe('VLC as the RTSP server', { skip }, () => {
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vigie-rtsp-vlc-'));
    chmodSync(directory, 0o755); // VLC runs as nobody
    const file = join(directory, 'out.mp4');
    const encoder = nodeSpawner(
      FFMPEG_PATH,
      ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=12', '-t', '5', '-c:v', 'libx264', '-g', '12', '-pix_fmt', 'yuv420p', file],
      {},
    );
    let encoderLog = '';
    encoder.onStderr((chunk) => (encoderLog += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => encoder.onExit((exitCode) => resolve(exitCode)));
    assert.equal(code, 0, encoderLog);
    chmodSync(file, 0o644);
    const port = await freePort();
    url = `rtsp://127.0.0.1:${port}/test`;
    const args = ['-I', 'dummy', '--no-audio', file, '--sout', `#rtp{sdp=${url}}`, '--sout-keep', '--loop'];
    // setpriv execs VLC in place: the PID we hold is VLC's own, so stopping it signals VLC only.
    const env = { HOME: directory };
    vlc = isRoot ? nodeSpawner(SETPRIV, ['--reuid=nobody', '--regid=nogroup', '--clear-groups', VLC, ...args], { env }) : nodeSpawner(VLC, args, { env });
    const child = vlc;
    vlcExited = new Promise((resolve) => child.onExit(() => resolve()));
    child.onStdout((chunk) => (vlcLog += chunk.toString()));
    child.onStderr((chunk) => (vlcLog += chunk.toString()));
  });

  after(async () => {
    if (vlc && vlcExited) {
      vlc.kill('SIGTERM');
      const timer = setTimeout(() => vlc?.kill('SIGKILL'), 3000);
      await vlcExited;
      clearTimeout(timer);
    }
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('plays H.264 over UDP: parameter sets from the SDP, ordered RTP with markers, a sender report', async (t) => {
    const { client, codec, sps } = await startWhenReady('udp', 20_000);
    const sequences: number[] = [];
    let markers = 0;
    let reports = 0;
    client.events.on('rtp', (packet) => {
      sequences.push(packet.sequence);
      if (packet.marker) markers += 1;
    });
    client.events.on('senderReport', () => (reports += 1));
    try {
      assert.equal(codec, 'h264');
      assert.equal(sps, 1);
      // VLC sends a sender report every few seconds.
      const deadline = Date.now() + 12_000;
      while ((reports === 0 || sequences.length < 20) && Date.now() < deadline) await sleep(100);
      assert.ok(sequences.length >= 20, `RTP packets: ${sequences.length}`);
      assert.ok(markers > 0, 'marker bits');
      for (let index = 1; index < sequences.length; index += 1) {
        const step = (sequences[index]! - sequences[index - 1]! + 0x10000) & 0xffff;
        assert.ok(step >= 1 && step < 100, `sequence ${sequences[index - 1]} then ${sequences[index]}`);
      }
      assert.ok(reports > 0, 'a sender report');
      assert.equal(typeof client.clockOffsetMs(), 'number');
      assert.ok(Math.abs(client.clockOffsetMs()!) < 2000, `clock offset ${client.clockOffsetMs()} ms`);
      t.diagnostic(
        `VLC: ${sequences.length} packets, ${markers} pictures, ${reports} sender reports, clock offset ${client.clockOffsetMs()?.toFixed(0)} ms, lost ${client.stats.packetsLost}`,
      );
    } finally {
      await client.stop();
    }
  });

  it('is refused RTP over TCP by VLC (461): rtsp_transport_refused', async () => {
    await assert.rejects(startWhenReady('tcp', 20_000), { code: 'rtsp_transport_refused' });
  });
});
