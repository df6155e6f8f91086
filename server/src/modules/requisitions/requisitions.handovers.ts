// Handover of footage to the requesting officer (remise, issue 13 item 6): a supervisor or an
// operator records how it was handed over (medium, recipient, date, evidence package) and prints
// the receipt; it is acknowledged either by the signed receipt scanned back (stored sealed like
// the requisition's own document) or in the console by a police user of the commune ("J'accuse
// réception"). The first acknowledgement moves an `exported` requisition to `delivered`; each
// acknowledgement writes the register's `handed_over` rows (one per camera range) in the same
// transaction. Every step is audited.
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { parisDate, type Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, inScope } from '../access/index.ts';
import type { AuditApi } from '../audit/index.ts';
import type { DocumentStore } from './requisitions.documents.ts';
import type { FollowupRepository, HandoverRow } from './requisitions.followup.repository.ts';
import { handoverReceiptPdf } from './requisitions.receipt.ts';
import type { RequisitionRow, RequisitionsRepository } from './requisitions.repository.ts';
import { documentExtensions, documentTypeOf } from './requisitions.rules.ts';
import { documentInputSchema, MAX_DOCUMENT_BYTES } from './requisitions.schemas.ts';
import type { Acting } from './requisitions.service.ts';

export const handoverMedia = ['download', 'usb_key', 'disc', 'other'] as const;
const text = (max: number) => z.string().trim().min(1).max(max);

export const handoverInputSchema = z
  .object({
    medium: z.enum(handoverMedia),
    recipientName: text(200),
    recipientRank: text(100),
    recipientUnit: text(200),
    handedAt: z.iso.datetime({ offset: true }),
    /** The evidence package handed over (the exports module's id); only its format is checked here. */
    packageId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'package id')
      .optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

export const acknowledgementInputSchema = z
  .object({
    /** The signed receipt scanned back (PDF, PNG or JPEG); absent: the police user acknowledges in the console. */
    scan: documentInputSchema.omit({ reason: true }).optional(),
  })
  .strict();

export const handoverViewSchema = z.object({
  id: z.string(),
  medium: z.enum(handoverMedia),
  recipientName: z.string(),
  recipientRank: z.string(),
  recipientUnit: z.string(),
  handedAt: z.string(),
  packageId: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  acknowledgement: z.enum(['console', 'scan']).nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  scan: z.object({ mediaType: z.string(), bytes: z.number().int(), sha256: z.string() }).nullable(),
  receiptUrl: z.string(),
});
export type HandoverView = z.infer<typeof handoverViewSchema>;

/** The retention module's register (its api), joined in the acknowledgement's transaction. */
export interface HandoverRegisterPort {
  record(
    handle: AnyHandle,
    entries: ReadonlyArray<{
      at: string;
      communeInsee: string;
      cameraId: string;
      kind: 'handed_over';
      fromMs: number;
      toMs: number;
      segments: number;
      bytes: number;
      reference: string | null;
      details: Record<string, unknown>;
    }>,
  ): Promise<number[]>;
}

const invalid = (fr: string, en: string) => new DomainError('handover_invalid', { fr, en });
const requisitionNotFound = () => notFound({ fr: 'Réquisition', en: 'Requisition' });
const notExported = (state: string) =>
  new DomainError('requisition_not_exported', {
    fr: `Réquisition à l’état « ${state} » : la remise suit l’extraction (état « exported »).`,
    en: `Requisition in state "${state}": a handover follows the export (state "exported").`,
    details: { state },
  });

function handoverView(row: HandoverRow): HandoverView {
  return {
    id: row.id,
    medium: row.medium as HandoverView['medium'],
    recipientName: row.recipient_name,
    recipientRank: row.recipient_rank,
    recipientUnit: row.recipient_unit,
    handedAt: row.handed_at,
    packageId: row.package_id,
    comment: row.comment,
    createdAt: row.created_at,
    createdBy: row.created_by,
    acknowledgement: row.acknowledgement as HandoverView['acknowledgement'],
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    scan: row.scan_sha256 ? { mediaType: row.scan_media_type ?? '', bytes: Number(row.scan_bytes), sha256: row.scan_sha256 } : null,
    receiptUrl: `/api/requisitions/${row.requisition_id}/handovers/${row.id}/receipt.pdf`,
  };
}

export class Handovers {
  constructor(
    private readonly repository: FollowupRepository,
    private readonly requisitions: Pick<RequisitionsRepository, 'find' | 'rangesOf' | 'transaction' | 'update' | 'insertTransition'>,
    private readonly register: HandoverRegisterPort,
    private readonly store: DocumentStore,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return parisDate(this.clock.now());
  }

  private inScopeRow(row: RequisitionRow | undefined, acting: Acting): RequisitionRow {
    if (!row || (acting.principal && !inScope(acting.principal, row.commune_insee))) throw requisitionNotFound();
    return row;
  }

  async create(requisitionId: string, input: unknown, acting: Acting): Promise<HandoverView> {
    const data = handoverInputSchema.parse(input);
    const now = this.clock.now();
    // A minute's leeway for the clocks of the two machines; a handover is never in the future.
    if (Date.parse(data.handedAt) > now.getTime() + 60_000) throw invalid('La date de remise est dans le futur.', 'The handover date is in the future.');
    return this.requisitions.transaction(async (trx) => {
      const row = this.inScopeRow(await this.requisitions.find(requisitionId, trx), acting);
      if (acting.principal) assertAllowed(acting.principal, 'requisition.handover', row.commune_insee, this.today());
      if (row.state !== 'exported' && row.state !== 'delivered') throw notExported(row.state);
      if (Date.parse(data.handedAt) < Date.parse(row.received_at))
        throw invalid('La remise précède la réception de la réquisition.', 'The handover precedes the requisition’s receipt.');
      const handover = {
        id: randomUUID(),
        requisition_id: requisitionId,
        medium: data.medium,
        recipient_name: data.recipientName,
        recipient_rank: data.recipientRank,
        recipient_unit: data.recipientUnit,
        handed_at: new Date(data.handedAt).toISOString(),
        package_id: data.packageId ?? null,
        comment: data.comment || null,
        created_at: now.toISOString(),
        created_by: acting.actor.login ?? acting.actor.type,
        acknowledgement: null,
        acknowledged_at: null,
        acknowledged_by: null,
        acknowledged_by_id: null,
        scan_path: null,
        scan_media_type: null,
        scan_bytes: null,
        scan_sha256: null,
      };
      await this.repository.insertHandover(trx, handover);
      await this.audit.record(trx, acting.actor, {
        action: 'requisition.handover_recorded',
        communeInsee: row.commune_insee,
        targetType: 'requisition',
        targetId: requisitionId,
        details: {
          handoverId: handover.id,
          medium: data.medium,
          recipient: { name: data.recipientName, rank: data.recipientRank, unit: data.recipientUnit },
          handedAt: handover.handed_at,
          packageId: handover.package_id,
          procedureNumber: row.procedure_number,
        },
      });
      return handoverView(handover);
    });
  }

  async list(requisitionId: string, acting: Acting): Promise<HandoverView[]> {
    if (acting.principal) assertAllowed(acting.principal, 'requisition.read', null, this.today());
    this.inScopeRow(await this.requisitions.find(requisitionId), acting);
    return (await this.repository.handoversOf(requisitionId)).map(handoverView);
  }

  /** The receipt to sign, as a PDF; each download is audited. */
  async receipt(requisitionId: string, handoverId: string, acting: Acting): Promise<Buffer> {
    if (acting.principal) assertAllowed(acting.principal, 'requisition.read', null, this.today());
    const row = this.inScopeRow(await this.requisitions.find(requisitionId), acting);
    const handover = await this.repository.findHandover(requisitionId, handoverId);
    if (!handover) throw notFound({ fr: 'Remise', en: 'Handover' });
    const ranges = await this.requisitions.rangesOf([requisitionId]);
    const pdf = await handoverReceiptPdf(row, ranges, handover, this.clock.now());
    await this.audit.recordAlone(acting.actor, {
      action: 'requisition.handover_receipt_read',
      communeInsee: row.commune_insee,
      targetType: 'requisition',
      targetId: requisitionId,
      details: { handoverId, bytes: pdf.length },
    });
    return pdf;
  }

  /**
   * Acknowledges the handover: a police user of the commune in the console, or the signed receipt
   * scanned back (supervisor, operator). Moves `exported` to `delivered` (a later handover of a
   * delivered requisition is acknowledged without a state change); any other state is refused.
   */
  async acknowledge(requisitionId: string, handoverId: string, input: unknown, acting: Acting): Promise<HandoverView> {
    const data = acknowledgementInputSchema.parse(input);
    const principal = acting.principal;
    const today = this.today();
    const scan = data.scan ? this.scanOf(data.scan.contentBase64) : null;
    // An unknown requisition is "not found" for every reader, before any check of their role.
    this.inScopeRow(await this.requisitions.find(requisitionId), acting);
    if (!data.scan && principal?.role !== 'police')
      throw new DomainError('forbidden', {
        fr: 'Seul un policier destinataire accuse réception dans la console ; sinon, joignez le récépissé signé numérisé.',
        en: 'Only a receiving police user acknowledges in the console; otherwise attach the signed receipt scanned.',
      });
    const path = scan ? join(requisitionId, `handover-${handoverId.slice(0, 64)}-${scan.sha256.slice(0, 16)}.${documentExtensions[scan.mediaType]}`) : null;
    if (scan && path) {
      // The requisition is checked before anything is written to disk.
      const row = this.inScopeRow(await this.requisitions.find(requisitionId), acting);
      if (principal) assertAllowed(principal, 'requisition.handover', row.commune_insee, today);
      if (!(await this.repository.findHandover(requisitionId, handoverId))) throw notFound({ fr: 'Remise', en: 'Handover' });
      await this.store.create(path, scan.bytes);
    }
    try {
      return await this.requisitions.transaction(async (trx) => {
        const row = this.inScopeRow(await this.requisitions.find(requisitionId, trx), acting);
        if (principal) assertAllowed(principal, scan ? 'requisition.handover' : 'requisition.read', row.commune_insee, today);
        const handover = await this.repository.findHandover(requisitionId, handoverId, trx);
        if (!handover) throw notFound({ fr: 'Remise', en: 'Handover' });
        if (handover.acknowledged_at) throw new DomainError('handover_already_acknowledged', { details: { acknowledgedAt: handover.acknowledged_at } });
        if (row.state !== 'exported' && row.state !== 'delivered') throw notExported(row.state);
        const at = this.clock.now().toISOString();
        const by = acting.actor.login ?? acting.actor.type;
        const changes = {
          acknowledgement: scan ? 'scan' : 'console',
          acknowledged_at: at,
          acknowledged_by: by,
          acknowledged_by_id: acting.actor.id,
          scan_path: path,
          scan_media_type: scan?.mediaType ?? null,
          scan_bytes: scan?.bytes.length ?? null,
          scan_sha256: scan?.sha256 ?? null,
        };
        if (!(await this.repository.acknowledge(trx, handoverId, changes))) throw new DomainError('handover_already_acknowledged');
        const ranges = await this.requisitions.rangesOf([requisitionId], trx);
        const recipient = `${handover.recipient_rank} ${handover.recipient_name}, ${handover.recipient_unit}`;
        const registerIds = await this.register.record(
          trx,
          ranges.map((range) => ({
            at,
            communeInsee: row.commune_insee,
            cameraId: range.cameraId,
            kind: 'handed_over' as const,
            fromMs: range.fromMs,
            toMs: range.toMs,
            segments: 0,
            bytes: 0,
            reference: row.procedure_number,
            details: { requisitionId, handoverId, medium: handover.medium, recipient, handedAt: handover.handed_at, packageId: handover.package_id },
          })),
        );
        await this.audit.record(trx, acting.actor, {
          action: 'requisition.handover_acknowledged',
          communeInsee: row.commune_insee,
          targetType: 'requisition',
          targetId: requisitionId,
          details: {
            handoverId,
            acknowledgement: changes.acknowledgement,
            scanSha256: changes.scan_sha256,
            registerIds,
            procedureNumber: row.procedure_number,
          },
        });
        if (row.state === 'exported') await this.deliver(trx, row, handoverId, acting, at);
        return handoverView({ ...handover, ...changes });
      });
    } catch (error) {
      if (path) await this.store.discard(path);
      throw error;
    }
  }

  private async deliver(trx: AnyHandle, row: RequisitionRow, handoverId: string, acting: Acting, at: string): Promise<void> {
    const by = acting.actor.login ?? acting.actor.type;
    const reason = `Remise ${handoverId} accusée réception`;
    await this.requisitions.update(trx, row.id, { state: 'delivered', updated_at: at, updated_by: by });
    await this.requisitions.insertTransition(trx, {
      id: randomUUID(),
      requisition_id: row.id,
      from_state: 'exported',
      to_state: 'delivered',
      at,
      by_login: by,
      by_id: acting.actor.id,
      reason,
      details: JSON.stringify({ handoverId }),
    });
    await this.audit.record(trx, acting.actor, {
      action: 'requisition.state_changed',
      communeInsee: row.commune_insee,
      targetType: 'requisition',
      targetId: row.id,
      reason,
      details: { from: 'exported', to: 'delivered', procedureNumber: row.procedure_number, handoverId },
    });
  }

  private scanOf(contentBase64: string) {
    const bytes = Buffer.from(contentBase64, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_DOCUMENT_BYTES) throw invalid('Récépissé numérisé de 10 Mo au plus.', 'Scanned receipt of at most 10 MB.');
    const mediaType = documentTypeOf(bytes);
    if (!mediaType) throw invalid('Le récépissé numérisé doit être un PDF, un PNG ou un JPEG.', 'The scanned receipt must be a PDF, PNG or JPEG.');
    return { bytes, mediaType, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}
