// The evidence package's journal (issue 13 item 4, LEGAL 16): what the package holds, written as
// `journal.json` at its root. It is the contract between the package builder, the offline
// player, the extraction report (PDF) and `./vigie export verify`, and it is documented in
// docs/requisitions.md so that a court expert can read it without Vigie. Every instant is given
// in UTC (ISO 8601, `Z`) and in Europe/Paris wall time with its offset ("2026-12-07T15:29:16+01:00").
import { z } from 'zod';

export const journalFormat = 'vigie-evidence/1';

const instant = z.string().max(40);
const text = (max: number) => z.string().max(max);

/** A hole inside an exported range: no footage from `from` to `to`, and why (the recording index's gap reason). */
export const journalGapSchema = z.object({
  from: instant,
  fromParis: instant,
  to: instant,
  toParis: instant,
  durationSeconds: z.number().nonnegative(),
  /** `camera_offline`, `packet_loss`, `stream_stalled`, `recorder_stopped`, `purged`, `unknown`, ... */
  reason: text(64),
});

/** One MP4 of the package: one camera, one requested range. */
export const journalItemSchema = z.object({
  /** Path inside the package, `/`-separated: `media/<n>-<camera>-<yyyymmddThhmmssZ>.mp4`. */
  file: text(300),
  cameraId: text(64),
  cameraName: text(200),
  /** Logical camera number where the inventory has one ("C-003"); Vigie's inventory holds none today, so null. */
  cameraNumber: text(32).nullable(),
  location: z.object({
    communeInsee: text(5),
    communeName: text(200),
    siteName: text(200).nullable(),
    address: text(300).nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
  }),
  /** The range asked for. */
  requestedFrom: instant,
  requestedTo: instant,
  /** The pictures actually in the file (first and last frame), UTC and Paris. */
  imageStart: instant,
  imageStartParis: instant,
  imageEnd: instant,
  imageEndParis: instant,
  durationSeconds: z.number().nonnegative(),
  frames: z.number().int().nonnegative(),
  codec: text(16),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().nonnegative(),
  /** Privacy masks burnt in (then the file is re-encoded); false: stream copy of the archive. */
  masked: z.boolean(),
  reencoded: z.boolean(),
  /**
   * The camera's clock offset (its clock minus the server's, ms) as last read over ONVIF by the
   * devices module, where known (LEGAL 15); null for a camera without ONVIF or never read.
   */
  clockOffsetMs: z.number().nullable(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  gaps: z.array(journalGapSchema).max(100_000),
});

export const journalSchema = z.object({
  format: z.literal(journalFormat),
  packageId: text(64),
  createdAt: instant,
  createdAtParis: instant,
  timeZone: z.literal('Europe/Paris'),
  installation: z.object({ name: text(200), version: text(40) }),
  /** Who made the package (LEGAL 10: name and service); `service` is null while user accounts hold no service or unit. */
  exporter: z.object({ userId: text(64), name: text(200), role: text(40), service: text(200).nullable() }),
  requisition: z
    .object({
      id: text(64),
      procedureNumber: text(100),
      legalFramework: text(40),
      officerName: text(200),
      officerRank: text(100),
      officerUnit: text(200),
      communeInsee: text(5),
      /** The requisition's own date (as received), UTC and Paris. */
      requisitionDate: instant,
      requisitionDateParis: instant,
      /** How it reached the centre: `email`, `paper`, `phone`, `in_person`, `other`. */
      channel: text(40),
    })
    .nullable(),
  /** The key that signs `manifest.sha256` (minisign format): its 8-byte key id in hex and the SHA-256 of `minisign.pub`. */
  signature: z.object({ keyId: z.string().regex(/^[0-9A-F]{16}$/), publicKeySha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  items: z.array(journalItemSchema).min(1).max(200),
});

export type EvidenceJournal = z.infer<typeof journalSchema>;
export type EvidenceJournalItem = z.infer<typeof journalItemSchema>;

/**
 * The files of a package, at its root. `manifest.sha256` lists every other file as
 * `<sha256>  <path>` lines (the `sha256sum` format, so `sha256sum -c manifest.sha256` works too),
 * in path order; `manifest.sha256.minisig` is its minisign signature; `minisign.pub` the public key.
 */
export const packageFiles = {
  journal: 'journal.json',
  player: 'player.html',
  report: 'proces-verbal-extraction.pdf',
  readme: 'LISEZMOI.txt',
  manifest: 'manifest.sha256',
  signature: 'manifest.sha256.minisig',
  publicKey: 'minisign.pub',
  mediaDirectory: 'media',
} as const;
