// The native ingest of ONE camera (issue 12): Vigie's own RTSP client and the H.264/H.265
// depacketizer, reconnecting with backoff. It hands its consumer each RTSP session (a run), its
// pictures in order (access units, dated by the run's StreamClock), its losses and its end. Two
// consumers: the native recorder writes the pictures as fragmented-MP4 segments itself; the
// masked recorder pipes them, as fragmented MP4, into the one ffmpeg that burns the mask in.
// Either way this is the camera's only connection, and its password never leaves this process.
//
// Transport (the camera's `rtspTransport`): `tcp` (interleaved, the default), `udp`, or `auto`:
// UDP first, and TCP for the rest of this ingest's life (the recorder's) as soon as one attempt
// shows that UDP cannot work: its SETUP refused (461 Unsupported Transport, or a TCP answer), or
// no RTP packet within udpProbeMs of PLAY (a firewall or NAT that drops the datagrams). That
// attempt is no failed run: no backoff, no count towards `failed`, the consumer never sees it;
// the switch is told once (`transportFallback`) and shown in the stats. A UDP session that
// received packets and later falls silent is an ordinary lost run: UDP is tried again.
import { Depacketizer, type AccessUnit, type DepacketizerEvent, type VideoCodec } from '../../../platform/media/h26x/index.ts';
import { backoffDelay, type BackoffPolicy } from '../../../platform/processes.ts';
import { RtspClient, type RtspClientOptions, type RtspClosedEvent, type RtpPacket } from '../../../platform/rtsp/index.ts';
import type { StreamCredentials } from '../../../platform/media/ffmpeg-args.ts';
import { StreamClock } from './stream-clock.ts';

/** Packets kept while the RTSP session starts (a 2-s GOP at 2 Mbit/s is about 400). */
const MAX_EARLY_PACKETS = 4096;
/** `auto`: no RTP packet this long after PLAY over UDP and UDP is taken as blocked. A camera sends its first pictures at once. */
export const UDP_PROBE_MS = 3000;

/** The camera's choice; `auto` is UDP until UDP is seen not to work, then TCP. */
export type IngestTransport = 'tcp' | 'udp' | 'auto';

/** Why an `auto` ingest left UDP for TCP, and when (Unix ms). */
export interface TransportFallback {
  reason: 'udp_refused' | 'udp_silent';
  detail: string;
  atMs: number;
}

export interface RtspIngestOptions {
  /** Main stream URL without credentials, and the credentials (kept in this process). */
  rtspUrl: string;
  credentials?: StreamCredentials;
  /** RTP silence, and each RTSP request, give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Default `tcp`. */
  transport?: IngestTransport;
  /** `auto`: how long PLAY over UDP may go without an RTP packet before TCP is used (default UDP_PROBE_MS). */
  udpProbeMs?: number;
  backoff?: BackoffPolicy;
  /** Consecutive runs without a single picture before `retrying` says failed (default 5). */
  failAfterRuns?: number;
  /** Tests: another RTSP client. */
  createClient?: (options: RtspClientOptions) => RtspClient;
}

/** One RTSP session of the camera. */
export interface IngestRun {
  readonly codec: VideoCodec;
  /** Dates the run's pictures (the camera's clock when right, the receive clock otherwise). */
  readonly clock: StreamClock;
  /** Set before the first picture is handed over. */
  hadPicture: boolean;
  ended: boolean;
}

/** What the ingest calls, synchronously, from the socket handler: no allocation per picture on its side. */
export interface IngestConsumer {
  runStarted(run: IngestRun): void;
  accessUnit(run: IngestRun, accessUnit: AccessUnit): void;
  /** Packets lost: the picture in progress and the next ones up to a keyframe are dropped (by the depacketizer). */
  loss(run: IngestRun, packetsLost: number): void;
  /** The session is over: the camera was lost (`detail` says how), or stop() (`recorder_stopped`). */
  runEnded(run: IngestRun, detail: string): void;
  /** A run ended or could not start, and a new attempt is scheduled; `failed` after failAfterRuns runs in a row without a picture. */
  retrying(detail: string, failed: boolean): void;
  /** `auto` only, at most once: UDP does not work for this camera, every attempt from now on is over TCP. */
  transportFallback?(fallback: TransportFallback): void;
}

export interface RtspIngestStats {
  packets: number;
  packetsLost: number;
  accessUnits: number;
  /** Pictures the depacketizer dropped: damaged by a loss, or waiting for the keyframe after it. */
  droppedAccessUnits: number;
  /** The transport of the session (or of the next attempt). */
  transport: 'tcp' | 'udp';
  /** Set when an `auto` ingest left UDP for TCP. */
  tcpFallback: TransportFallback | null;
}

interface LiveRun extends IngestRun {
  client: RtspClient;
  depacketizer: Depacketizer;
}

export class RtspIngest {
  readonly stats: RtspIngestStats;
  /** Camera clock minus ours (RTCP sender reports), for the health checks. */
  clockOffsetMs: number | undefined;
  private run: LiveRun | undefined;
  private failures = 0;
  private runsWithoutData = 0;
  private stopping = true;
  /** Bumped by stop(): a start() after it does not meet the previous connection. */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Ends the wait for the first packet over UDP (stop()). */
  private cancelProbe: (() => void) | undefined;

  constructor(
    private readonly options: RtspIngestOptions,
    private readonly consumer: IngestConsumer,
  ) {
    const transport = options.transport === 'udp' || options.transport === 'auto' ? 'udp' : 'tcp';
    this.stats = { packets: 0, packetsLost: 0, accessUnits: 0, droppedAccessUnits: 0, transport, tcpFallback: null };
  }

  start(): void {
    if (!this.stopping) return;
    this.stopping = false;
    this.failures = 0;
    this.runsWithoutData = 0;
    void this.connect();
  }

  /** Closes the session (its run ends with `recorder_stopped`); no retry after. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.generation++; // a connection still being set up is dropped when it answers
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.cancelProbe?.();
    const run = this.run;
    if (!run) return;
    this.endRun(run, 'recorder_stopped');
    await run.client.stop().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    const generation = this.generation;
    const createClient = this.options.createClient ?? ((options) => new RtspClient(options));
    const transport = this.stats.transport;
    const probing = this.options.transport === 'auto' && transport === 'udp';
    const client = createClient({
      url: this.options.rtspUrl,
      credentials: this.options.credentials,
      transport,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    const startedAt = Date.now();
    // PLAY is answered with the pictures since the camera's last keyframe, which can arrive before
    // start() resolves: they wait here (the client reuses its packet object: the fields are copied).
    let early: RtpPacket[] | undefined = [];
    let deliver: ((packet: Readonly<RtpPacket>) => void) | undefined;
    let firstPacket: (() => void) | undefined;
    /** The session's end before its run was made (while waiting for a first packet over UDP). */
    let closedEarly: RtspClosedEvent | undefined;
    client.events.on('closed', (closed) => {
      closedEarly ??= closed;
    });
    client.events.on('rtp', (packet) => {
      if (deliver) deliver(packet);
      else if (early && early.length < MAX_EARLY_PACKETS) {
        early.push({ ...packet });
        firstPacket?.();
      }
    });
    try {
      const { track } = await client.start();
      if (probing && early.length === 0 && !this.stopping && generation === this.generation) {
        const outcome = await this.probeUdp(client, (arrived) => {
          firstPacket = arrived;
        });
        firstPacket = undefined;
        if (outcome === 'silent' && !this.stopping && generation === this.generation) {
          await client.stop();
          this.fallBackToTcp('udp_silent', `no RTP packet within ${this.options.udpProbeMs ?? UDP_PROBE_MS} ms of PLAY over UDP`);
          return;
        }
      }
      if (this.stopping || generation !== this.generation) {
        await client.stop();
        return;
      }
      if (closedEarly) {
        await client.stop();
        this.onRunFailed(`stream_lost (${closedEarly.code})`, startedAt, false);
        return;
      }
      const sets = track.parameterSets;
      const run: LiveRun = {
        codec: track.codec,
        clock: new StreamClock(client),
        hadPicture: false,
        ended: false,
        client,
        depacketizer: new Depacketizer({ codec: track.codec, parameterSets: { vps: sets.vps, sps: sets.sps?.[0], pps: sets.pps?.[0] } }),
      };
      this.run = run;
      this.consumer.runStarted(run);
      for (const packet of early) this.onPacket(run, packet);
      early = undefined;
      deliver = (packet) => this.onPacket(run, packet);
      client.events.on('senderReport', () => {
        this.clockOffsetMs = client.clockOffsetMs();
      });
      client.events.on('closed', (closed) => this.onClosed(run, closed, startedAt));
    } catch (error) {
      await client.stop().catch(() => undefined);
      if (generation !== this.generation) return;
      const code = (error as { code?: string }).code ?? 'rtsp_error';
      if (probing && code === 'rtsp_transport_refused' && !this.stopping) {
        this.fallBackToTcp('udp_refused', (error as Error).message);
        return;
      }
      this.onRunFailed(`stream_lost (${code})`, startedAt, false);
    }
  }

  /**
   * Waits for the first RTP packet over UDP after PLAY: `packet`, `silent` after udpProbeMs (or
   * the client's silence timeout if shorter), `closed` if the session ends otherwise meanwhile,
   * or `stopped` (stop()).
   */
  private probeUdp(client: RtspClient, onFirstPacket: (arrived: () => void) => void): Promise<'packet' | 'silent' | 'closed' | 'stopped'> {
    return new Promise((resolve) => {
      const finish = (outcome: 'packet' | 'silent' | 'closed' | 'stopped') => {
        clearTimeout(timer);
        unsubscribe();
        this.cancelProbe = undefined;
        resolve(outcome);
      };
      const timer = setTimeout(() => finish('silent'), this.options.udpProbeMs ?? UDP_PROBE_MS);
      // The client's own silence watchdog (timeoutMs) may be shorter than the probe: the same silence.
      const unsubscribe = client.events.on('closed', (closed) => finish(closed.code === 'rtsp_timeout' ? 'silent' : 'closed'));
      this.cancelProbe = () => finish('stopped');
      onFirstPacket(() => finish('packet'));
    });
  }

  /** `auto`: UDP does not work for this camera; TCP at once and from now on (not a failed run). */
  private fallBackToTcp(reason: TransportFallback['reason'], detail: string): void {
    this.stats.transport = 'tcp';
    this.stats.tcpFallback = { reason, detail, atMs: Date.now() };
    this.consumer.transportFallback?.(this.stats.tcpFallback);
    void this.connect();
  }

  private onPacket(run: LiveRun, packet: Readonly<RtpPacket>): void {
    if (run.ended) return;
    this.stats.packets++;
    const dropped = run.depacketizer.stats.droppedAccessUnits;
    for (const event of run.depacketizer.push(packet)) this.onDepacketized(run, event);
    this.stats.droppedAccessUnits += run.depacketizer.stats.droppedAccessUnits - dropped;
  }

  private onDepacketized(run: LiveRun, event: DepacketizerEvent): void {
    if (run.ended) return;
    if (event.kind === 'loss') {
      this.stats.packetsLost += event.packetsLost;
      this.consumer.loss(run, event.packetsLost);
      return;
    }
    this.stats.accessUnits++;
    run.clock.noteArrival(event.accessUnit.timestamp);
    if (!run.hadPicture) {
      run.hadPicture = true;
      this.runsWithoutData = 0;
    }
    this.consumer.accessUnit(run, event.accessUnit);
  }

  private onClosed(run: LiveRun, closed: RtspClosedEvent, startedAt: number): void {
    if (run.ended) return;
    const detail = closed.code === 'rtsp_timeout' ? 'stream_stalled' : `stream_lost (${closed.code})`;
    this.endRun(run, detail);
    this.onRunFailed(detail, startedAt, run.hadPicture);
  }

  private endRun(run: LiveRun, detail: string): void {
    if (run.ended) return;
    run.ended = true;
    if (this.run === run) this.run = undefined;
    this.consumer.runEnded(run, detail);
  }

  private onRunFailed(detail: string, startedAt: number, hadPicture: boolean): void {
    if (this.stopping) return;
    const policy = this.options.backoff ?? { initialMs: 500, maxMs: 10_000, stableAfterMs: 30_000 };
    if (Date.now() - startedAt >= policy.stableAfterMs) this.failures = 0;
    this.failures++;
    if (!hadPicture) this.runsWithoutData++;
    this.consumer.retrying(detail, this.runsWithoutData >= (this.options.failAfterRuns ?? 5));
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.connect();
      },
      backoffDelay(this.failures, policy),
    );
  }
}
