// Faults a simulated camera can be told to show, and the scheduler that applies a scripted
// scenario. Picture faults replace the picture (one at a time); the others combine.
import { z } from 'zod';

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offline') }),
  z.object({ kind: z.literal('stream_stop') }),
  z.object({ kind: z.literal('frozen') }),
  z.object({ kind: z.literal('black') }),
  z.object({ kind: z.literal('covered') }),
  z.object({ kind: z.literal('turned_away') }),
  // Picture faults of the health checks (docs/health.md): a defocused lens, the head turned a little
  // (the scene shifted by that share of its width), a blurred blob sprayed over part of the lens.
  z.object({ kind: z.literal('defocus'), sigma: z.number().min(1).max(30).default(6) }),
  z.object({ kind: z.literal('shifted'), percent: z.number().int().min(5).max(50).default(30) }),
  z.object({ kind: z.literal('spray') }),
  z.object({ kind: z.literal('low_fps'), fps: z.number().positive().max(60).default(4) }),
  z.object({ kind: z.literal('low_resolution'), width: z.number().int().min(16).default(320), height: z.number().int().min(16).default(240) }),
  z.object({ kind: z.literal('clock_skew'), seconds: z.number().default(300) }),
  z.object({ kind: z.literal('slow_network'), kbps: z.number().positive().default(300) }),
  z.object({ kind: z.literal('flapping'), periodSeconds: z.number().min(0.2).default(5) }),
  // UDP between the camera and its clients does not work (TCP interleaved still does): `refuse`, a
  // SETUP that asks for UDP is answered 461 Unsupported Transport; `drop`, it is accepted but no
  // datagram gets through either way (a firewall or NAT in between).
  z.object({ kind: z.literal('udp_blocked'), mode: z.enum(['refuse', 'drop']).default('drop') }),
  // Faults of the RTP path (rtp-faults.ts): every session of the camera sees the same packets.
  z.object({ kind: z.literal('packet_loss'), percent: z.number().min(0).max(50).default(2), seed: z.number().int().min(0).max(0xffffffff).optional() }),
  z.object({ kind: z.literal('reorder'), percent: z.number().min(0).max(50).default(5), depth: z.number().int().min(1).max(8).default(2) }),
  z.object({ kind: z.literal('stall'), seconds: z.number().min(0.5).max(60).default(5) }),
  z.object({ kind: z.literal('sps_change'), width: z.number().int().min(16).max(3840).optional(), height: z.number().int().min(16).max(2160).optional() }),
  z.object({
    kind: z.literal('timestamp_jump'),
    seconds: z
      .number()
      .min(-86_400)
      .max(86_400)
      .refine((value) => value !== 0, 'a jump of 0 s is no jump')
      .default(-5),
    /** consistent: sender reports map the new timestamps to the true time; stale: they keep the old mapping. */
    rtcp: z.enum(['consistent', 'stale']).default('consistent'),
  }),
]);
export type Fault = z.infer<typeof faultSchema>;
export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = faultSchema.options.map((option) => option.shape.kind.value);

export const PICTURE_FAULTS = new Set<FaultKind>([
  'frozen',
  'black',
  'covered',
  'turned_away',
  'defocus',
  'shifted',
  'spray',
  'low_fps',
  'low_resolution',
  'sps_change',
]);
export type PictureFault = Extract<
  Fault,
  { kind: 'frozen' | 'black' | 'covered' | 'turned_away' | 'defocus' | 'shifted' | 'spray' | 'low_fps' | 'low_resolution' | 'sps_change' }
>;
/** Faults that act once when set and are not kept in the camera's list. */
export const ONE_SHOT_FAULTS = new Set<FaultKind>(['timestamp_jump']);

export function isPictureFault(fault: Fault): fault is PictureFault {
  return PICTURE_FAULTS.has(fault.kind);
}

export const scheduledFaultSchema = z.object({
  /** Seconds after the simulator started (or after the schedule was posted). */
  atSeconds: z.number().min(0),
  /** Cleared after this many seconds; absent = stays until cleared. */
  durationSeconds: z.number().positive().optional(),
  fault: faultSchema,
});
export type ScheduledFault = z.infer<typeof scheduledFaultSchema>;

/** The faults active on one camera, keyed by kind; setting a picture fault replaces another. */
export class FaultState {
  private readonly active = new Map<FaultKind, Fault>();

  set(fault: Fault): void {
    if (isPictureFault(fault)) for (const kind of PICTURE_FAULTS) this.active.delete(kind);
    this.active.set(fault.kind, fault);
  }

  clear(kind?: FaultKind): void {
    if (kind) this.active.delete(kind);
    else this.active.clear();
  }

  get<K extends FaultKind>(kind: K): Extract<Fault, { kind: K }> | undefined {
    return this.active.get(kind) as Extract<Fault, { kind: K }> | undefined;
  }

  picture(): PictureFault | undefined {
    for (const fault of this.active.values()) if (isPictureFault(fault)) return fault;
    return undefined;
  }

  list(): Fault[] {
    return [...this.active.values()];
  }
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Runs scheduled faults: apply at `atSeconds`, clear after `durationSeconds`. */
export class FaultScheduler {
  private readonly handles = new Set<unknown>();

  constructor(
    private readonly apply: (fault: Fault) => void | Promise<void>,
    private readonly clear: (kind: FaultKind) => void | Promise<void>,
    private readonly timers: Timers = realTimers,
  ) {}

  schedule(items: ScheduledFault[]): void {
    for (const item of items) {
      this.after(item.atSeconds * 1000, () => {
        void this.apply(item.fault);
        if (item.durationSeconds !== undefined) this.after(item.durationSeconds * 1000, () => void this.clear(item.fault.kind));
      });
    }
  }

  private after(ms: number, action: () => void): void {
    const handle = this.timers.setTimeout(() => {
      this.handles.delete(handle);
      action();
    }, ms);
    this.handles.add(handle);
  }

  cancelAll(): void {
    for (const handle of this.handles) this.timers.clearTimeout(handle);
    this.handles.clear();
  }

  get pending(): number {
    return this.handles.size;
  }
}
