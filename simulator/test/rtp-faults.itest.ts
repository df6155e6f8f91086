// Faults of the RTP path, seen on the wire by a client: loss, reordering, stalls, a resolution
// change without reconnecting, a timestamp jump, and sender reports on the camera's clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator, SimCameraInfo } from '../src/index.ts';
import { RtspClient } from '../src/rtsp-client.ts';
import { decode, sleep, startSmallSimulator, withCredentials } from './helpers.ts';

const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

interface RtpSeen {
  sequence: number;
  timestamp: number;
  ssrc: number;
  nalType: number;
  payload: Buffer;
  atMs: number;
}

interface ReportSeen {
  ssrc: number;
  ntpMs: number;
  rtpTimestamp: number;
  atMs: number;
}

/** A client that keeps every RTP header and sender report it receives. */
class Recorder {
  readonly rtp: RtpSeen[] = [];
  readonly reports: ReportSeen[] = [];
  readonly client: RtspClient;

  constructor(camera: SimCameraInfo, profile: 'main' | 'sub') {
    this.client = new RtspClient(camera.rtspUrls[profile], camera.credentials, { onPacket: (channel, packet) => this.seen(channel, packet) });
  }

  async start(): Promise<this> {
    await this.client.connect();
    await this.client.play();
    return this;
  }

  private seen(channel: number, packet: Buffer): void {
    const atMs = Date.now();
    if (channel === 1) {
      if (packet[1] !== 200) return;
      const ntpMs = (packet.readUInt32BE(8) - NTP_UNIX_OFFSET_SECONDS) * 1000 + (packet.readUInt32BE(12) / 2 ** 32) * 1000;
      this.reports.push({ ssrc: packet.readUInt32BE(4), ntpMs, rtpTimestamp: packet.readUInt32BE(16), atMs });
      return;
    }
    const payload = Buffer.from(packet.subarray(12));
    this.rtp.push({
      sequence: packet.readUInt16BE(2),
      timestamp: packet.readUInt32BE(4),
      ssrc: packet.readUInt32BE(8),
      nalType: (payload[0] ?? 0) & 0x1f,
      payload,
      atMs,
    });
  }

  /** Packets missing from the first sequence number received on (late ones from before it are ignored). */
  lost(): number {
    const first = this.rtp[0]!.sequence;
    const positions = new Set(this.rtp.map((packet) => ((packet.sequence - first + 32768) & 0xffff) - 32768).filter((position) => position >= 0));
    return Math.max(...positions) + 1 - positions.size;
  }

  /** Packets arriving after one with a higher sequence number. */
  outOfOrder(): number {
    let highest = -1;
    let late = 0;
    const first = this.rtp[0]!.sequence;
    for (const packet of this.rtp) {
      const position = (packet.sequence - first) & 0xffff;
      if (position < highest) late += 1;
      else highest = position;
    }
    return late;
  }
}

describe('RTP path faults of simulated cameras', () => {
  let sim: Simulator;
  let camera: SimCameraInfo;
  let other: SimCameraInfo;
  before(async () => {
    sim = await startSmallSimulator({ count: 2 });
    [camera, other] = sim.cameras as [SimCameraInfo, SimCameraInfo];
  });
  after(async () => {
    await sim?.stop();
  });

  test('packet loss: about that share of sequence numbers never arrives, on every session alike', async () => {
    await sim.setFault(camera.id, { kind: 'packet_loss', percent: 20, seed: 7 });
    const [a, b] = await Promise.all([new Recorder(camera, 'main').start(), new Recorder(camera, 'main').start()]);
    await sleep(2500);
    a.client.close();
    b.client.close();
    await sim.clearFault(camera.id, 'packet_loss');
    const share = a.lost() / (a.rtp.length + a.lost());
    assert.ok(share > 0.1 && share < 0.3, `${(share * 100).toFixed(1)} % lost of ${a.rtp.length}`);
    assert.equal(a.outOfOrder(), 0);
    const common = new Set(b.rtp.map((packet) => packet.sequence));
    const missingInBoth = a.rtp.filter((packet) => common.has(packet.sequence)).length;
    assert.ok(missingInBoth > a.rtp.length * 0.9, 'the same packets are lost for every viewer');
  });

  test('reorder: packets arrive out of sequence order, none lost', async () => {
    // Joined first: a packet held back from before the join would look like a loss.
    const recorder = await new Recorder(camera, 'main').start();
    await sleep(300);
    await sim.setFault(camera.id, { kind: 'reorder', percent: 20, depth: 3 });
    await sleep(2000);
    await sim.clearFault(camera.id, 'reorder');
    await sleep(300);
    recorder.client.close();
    assert.ok(recorder.outOfOrder() > 10, `${recorder.outOfOrder()} late packets of ${recorder.rtp.length}`);
    assert.equal(recorder.lost(), 0);
  });

  test('stall: RTP stops for that long on an open session, sender reports go on, then RTP resumes by itself', async () => {
    const recorder = await new Recorder(camera, 'sub').start();
    await sleep(500);
    await sim.setFault(camera.id, { kind: 'stall', seconds: 1.5 });
    await sleep(1000);
    const duringStall = recorder.rtp.length;
    await sleep(300);
    assert.equal(recorder.rtp.length, duringStall, 'no packet during the stall');
    assert.equal(recorder.client.closed, false);
    assert.deepEqual(
      sim.camera(camera.id).faults.map((fault) => fault.kind),
      ['stall'],
    );
    await sleep(1200);
    recorder.client.close();
    assert.deepEqual(sim.camera(camera.id).faults, [], 'the stall ended by itself');
    const gaps = recorder.rtp.slice(1).map((packet, index) => packet.atMs - recorder.rtp[index]!.atMs);
    const longest = Math.max(...gaps);
    assert.ok(longest > 1300 && longest < 2200, `longest gap ${longest} ms`);
    assert.equal(recorder.lost(), 0, 'sequence numbers do not advance while stalled');
  });

  test('sps_change: the resolution changes in-band at a keyframe, on the same session, SSRC and sequence', async () => {
    const recorder = await new Recorder(other, 'main').start();
    const decoding = decode(withCredentials(other.rtspUrls.main, other), 5, 'showinfo');
    await sleep(1500);
    await sim.setFault(other.id, { kind: 'sps_change' });
    await sleep(3000);
    recorder.client.close();
    const { stderr } = await decoding;
    await sim.clearFault(other.id, 'sps_change');
    const sizes = new Set([...stderr.matchAll(/\bs:(\d+x\d+)/g)].map((match) => match[1]));
    assert.deepEqual([...sizes].sort(), ['160x90', '320x180'], 'one ffmpeg session decodes both sizes');
    const parameterSets = new Set(recorder.rtp.filter((packet) => packet.nalType === 7).map((packet) => packet.payload.toString('hex')));
    assert.equal(parameterSets.size, 2, 'a second SPS arrives in-band');
    assert.equal(new Set(recorder.rtp.map((packet) => packet.ssrc)).size, 1);
    assert.equal(recorder.lost(), 0);
    assert.equal(recorder.outOfOrder(), 0);
    const steps = recorder.rtp.slice(1).map((packet, index) => (packet.timestamp - recorder.rtp[index]!.timestamp) | 0);
    assert.ok(
      steps.every((step) => step >= 0 && step <= 90000),
      'timestamps run on',
    );
  });

  test('timestamp_jump: RTP time jumps once; consistent sender reports follow it', async () => {
    const recorder = await new Recorder(camera, 'sub').start();
    await sleep(500);
    await sim.setFault(camera.id, { kind: 'timestamp_jump', seconds: -5, rtcp: 'consistent' });
    await sleep(5600); // a sender report every 5 s
    recorder.client.close();
    const steps = recorder.rtp.slice(1).map((packet, index) => (packet.timestamp - recorder.rtp[index]!.timestamp) | 0);
    const jumps = steps.filter((step) => step !== 0 && step !== 7500);
    assert.equal(jumps.length, 1, `steps ${[...new Set(steps)].join(',')}`);
    assert.equal(jumps[0], -5 * 90000 + 7500);
    assert.deepEqual(sim.camera(camera.id).faults, [], 'a one-shot fault is not kept');
    const lastReport = recorder.reports.at(-1)!;
    // After a jump back, earlier packets carried the same timestamps: the mapping is to the latest.
    const samePicture = recorder.rtp.findLast((packet) => packet.timestamp === lastReport.rtpTimestamp);
    assert.ok(samePicture, 'the report maps a timestamp the packets carry');
    assert.ok(Math.abs(lastReport.ntpMs - samePicture.atMs) < 500, 'to the time it was sent');
  });

  test("sender reports carry the camera's clock: a camera 300 s off reports NTP times 300 s off", async () => {
    await sim.setFault(other.id, { kind: 'clock_skew', seconds: 300 });
    const recorder = await new Recorder(other, 'sub').start();
    await sleep(400);
    recorder.client.close();
    await sim.clearFault(other.id, 'clock_skew');
    const report = recorder.reports[0]!;
    // The first report goes with the first picture of the GOP sent on joining: up to a GOP (1 s) old.
    assert.ok(Math.abs(report.ntpMs - report.atMs - 300_000) < 1500, `${report.ntpMs - report.atMs} ms off`);
  });
});
