// Evidence packages (issue 13 item 4): asked for a requisition by an operator or a supervisor
// (`image.export` on its commune), queued, built in the background one at a time by the worker
// role (progress readable while it runs), then downloadable by the requisition's recipients
// only (its filer, the supervisors of its commune), every download audited; purged a set number
// of days after the requisition is delivered or closed, the purge registered. Creating audits
// `export.created` and an image access per camera; a ready package writes the register's
// `exported` rows and moves a `positive` requisition to `exported`, in one transaction.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { parisDate, type Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import { systemActor, type Actor, type AuditApi } from '../audit/index.ts';
import type { StatutoryRegister } from '../retention/index.ts';
import type { BuildRequest, PackageBuilder } from './exports.builder.ts';
import { journalSchema } from './exports.journal.ts';
import type { ExportsRepository, PackageItem, PackageRow } from './exports.repository.ts';
import { deliveredStates, exportableStates, mayDownload, parisInstant, purgeDue } from './exports.rules.ts';
import { MAX_ITEM_HOURS, packageInputSchema, type PackageState, type PackageView } from './exports.schemas.ts';

/** What the exports module reads of a requisition (the requisitions module). */
export interface ExportRequisition {
  id: string;
  communeInsee: string;
  state: string;
  procedureNumber: string;
  legalFramework: string;
  officerName: string;
  officerRank: string;
  officerUnit: string;
  /** The requisition's own date (ISO) and how it was received. */
  requisitionDate: string;
  channel: string;
  filedById: string | null;
  ranges: ReadonlyArray<{ cameraId: string; from: string; to: string }>;
  /** When it reached `delivered` (or `closed`), null before. */
  deliveredAt: string | null;
}

export interface ExportsServiceDeps {
  repository: ExportsRepository;
  audit: AuditApi;
  clock: Clock;
  requisitions: {
    /** "Not found" outside the principal's communes (null: no scope check). */
    find(id: string, principal: Principal | null): Promise<ExportRequisition>;
    markExported(handle: AnyHandle, id: string, packageId: string, actor: Actor): Promise<boolean>;
  };
  cameras: { communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>> };
  register: Pick<StatutoryRegister, 'record'>;
  builder: PackageBuilder;
  /** Where ZIPs are kept: `<data dir>/exports`. */
  directory: string;
  /** VIGIE_EXPORT_KEEP_AFTER_DELIVERY_DAYS. */
  keepAfterDeliveryDays: number;
  log?: ProcessLog;
}

export type Acting = { actor: Actor; principal: Principal };

const packageNotFound = () => notFound({ fr: 'Paquet de preuve', en: 'Evidence package' });
const invalid = (fr: string, en: string, details?: unknown) => new DomainError('export_invalid', { fr, en, details });
const iso = (ms: number) => new Date(ms).toISOString();

export class ExportsService {
  private readonly log: ProcessLog;
  private recovered = false;

  constructor(private readonly deps: ExportsServiceDeps) {
    this.log = deps.log ?? silentLog;
  }

  private today(): string {
    return parisDate(this.deps.clock.now());
  }

  async create(requisitionId: string, input: unknown, acting: Acting): Promise<PackageView> {
    const data = packageInputSchema.parse(input);
    const requisition = await this.deps.requisitions.find(requisitionId, acting.principal);
    assertAllowed(acting.principal, 'image.export', requisition.communeInsee, this.today());
    if (!exportableStates.has(requisition.state))
      throw new DomainError('export_refused', {
        fr: `Export impossible dans l’état « ${requisition.state} » (possible : ${[...exportableStates].join(', ')}).`,
        en: `No export in state "${requisition.state}" (allowed: ${[...exportableStates].join(', ')}).`,
        details: { state: requisition.state },
      });
    const now = this.deps.clock.now();
    const asked = data.items ?? requisition.ranges;
    if (asked.length === 0) throw invalid('Aucune plage à exporter.', 'No range to export.');
    const items: PackageItem[] = asked.map((item, index) => {
      const fromMs = Date.parse(item.from);
      const toMs = Date.parse(item.to);
      const at = `items[${index}]`;
      if (!(fromMs < toMs)) throw invalid(`${at} : le début doit précéder la fin.`, `${at}: the start must come before the end.`, { index });
      if (toMs > now.getTime()) throw invalid(`${at} : la fin est dans le futur.`, `${at}: the end is in the future.`, { index });
      if (toMs - fromMs > MAX_ITEM_HOURS * 3_600_000)
        throw invalid(`${at} : ${MAX_ITEM_HOURS} h au plus par plage.`, `${at}: ${MAX_ITEM_HOURS} h at most per range.`, { index });
      return { cameraId: item.cameraId, fromMs, toMs };
    });
    const id = randomUUID();
    const at = now.toISOString();
    await this.deps.repository.transaction(async (trx) => {
      const cameraIds = [...new Set(items.map((item) => item.cameraId))].sort();
      const communes = await this.deps.cameras.communesOfCameras(cameraIds, trx);
      const foreign = cameraIds.filter((cameraId) => communes.get(cameraId) !== requisition.communeInsee);
      if (foreign.length > 0)
        throw invalid(
          `Caméra(s) inconnue(s) dans la commune ${requisition.communeInsee} : ${foreign.join(', ')}.`,
          `Unknown camera(s) in commune ${requisition.communeInsee}: ${foreign.join(', ')}.`,
          foreign,
        );
      await this.deps.repository.insert(
        trx,
        {
          id,
          requisition_id: requisition.id,
          commune_insee: requisition.communeInsee,
          state: 'queued',
          progress: 0,
          progress_message: 'En attente / queued',
          created_by: acting.principal.login,
          created_by_id: acting.principal.id,
          created_by_role: acting.principal.role,
          created_at: at,
          started_at: null,
          finished_at: null,
          zip_path: null,
          zip_bytes: null,
          zip_sha256: null,
          journal: null,
          error_code: null,
          error_message: null,
          purged_at: null,
        },
        items,
      );
      const ranges = items.map((item) => ({ cameraId: item.cameraId, from: iso(item.fromMs), to: iso(item.toMs) }));
      await this.deps.audit.record(trx, acting.actor, {
        action: 'export.created',
        communeInsee: requisition.communeInsee,
        targetType: 'evidence_package',
        targetId: id,
        reason: `Réquisition ${requisition.procedureNumber}`,
        details: { requisitionId: requisition.id, procedureNumber: requisition.procedureNumber, ranges },
      });
      // The images leave the archive for this package: one image access per camera (LEGAL 10).
      for (const cameraId of cameraIds)
        await this.deps.audit.recordImageAccess(
          acting.actor,
          {
            kind: 'export',
            cameraId,
            communeInsee: requisition.communeInsee,
            reason: `Réquisition ${requisition.procedureNumber}`,
            details: { packageId: id, requisitionId: requisition.id, ranges: ranges.filter((range) => range.cameraId === cameraId) },
          },
          trx,
        );
    });
    return this.view(id);
  }

  async get(id: string, principal: Principal): Promise<PackageView> {
    const row = await this.deps.repository.find(id);
    if (!row) throw packageNotFound();
    await this.deps.requisitions.find(row.requisition_id, principal).catch(() => {
      throw packageNotFound();
    });
    return this.view(id, row);
  }

  async listOf(requisitionId: string, principal: Principal): Promise<PackageView[]> {
    await this.deps.requisitions.find(requisitionId, principal);
    const rows = await this.deps.repository.listOf(requisitionId);
    const items = await this.deps.repository.itemsOf(rows.map((row) => row.id));
    return rows.map((row) => this.present(row, items.get(row.id) ?? []));
  }

  /** The ZIP of a ready package, for the requisition's recipients; the download is audited before a byte leaves. */
  async download(id: string, acting: Acting): Promise<{ name: string; bytes: number; sha256: string; open(): Readable }> {
    const row = await this.deps.repository.find(id);
    if (!row) throw packageNotFound();
    const requisition = await this.deps.requisitions.find(row.requisition_id, acting.principal).catch(() => {
      throw packageNotFound();
    });
    if (!mayDownload(acting.principal, { commune_insee: requisition.communeInsee, filed_by_id: requisition.filedById }))
      throw new DomainError('forbidden', {
        fr: 'Seuls l’agent qui a déposé la réquisition et les chefs de CSU de la commune téléchargent ce paquet.',
        en: 'Only the officer who filed the requisition and the commune’s CSU supervisors download this package.',
      });
    if (row.state !== 'ready' || !row.zip_path)
      throw new DomainError('export_not_ready', {
        fr: `Le paquet n’est pas prêt (état « ${row.state} »).`,
        en: `The package is not ready (state "${row.state}").`,
        details: { state: row.state },
      });
    const path = join(this.deps.directory, basename(row.zip_path));
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new DomainError('footage_unavailable');
    await this.deps.repository.transaction(async (trx) => {
      await this.deps.audit.record(trx, acting.actor, {
        action: 'export.downloaded',
        communeInsee: row.commune_insee,
        targetType: 'evidence_package',
        targetId: id,
        reason: `Réquisition ${requisition.procedureNumber}`,
        details: { requisitionId: row.requisition_id, bytes: info.size, sha256: row.zip_sha256 },
      });
    });
    return { name: `vigie-${id}.zip`, bytes: info.size, sha256: row.zip_sha256 ?? '', open: () => createReadStream(path) };
  }

  /**
   * Builds the oldest queued package, if any (the worker's job; the registry never overlaps two
   * runs, so one package at a time). The first run marks packages a stopped process left
   * `building` as failed: their half-written files are removed, never presented as ready.
   */
  async buildNext(): Promise<string | null> {
    if (!this.recovered) {
      for (const row of await this.deps.repository.building())
        await this.fail(row.id, 'export_interrupted', 'Construction interrompue (arrêt du serveur) / build interrupted (server stopped)');
      this.recovered = true;
    }
    const row = await this.deps.repository.claimNext(this.deps.clock.now().toISOString());
    if (!row) return null;
    await mkdir(this.deps.directory, { recursive: true, mode: 0o700 });
    try {
      const [requisition, items] = await Promise.all([this.deps.requisitions.find(row.requisition_id, null), this.deps.repository.itemsOf([row.id])]);
      const request: BuildRequest = {
        packageId: row.id,
        createdAt: new Date(row.created_at),
        // User accounts hold no service or unit yet (LEGAL 10 asks for it): null until they do.
        exporter: { userId: row.created_by_id ?? '', name: row.created_by, role: row.created_by_role, service: null },
        requisition: {
          id: requisition.id,
          procedureNumber: requisition.procedureNumber,
          legalFramework: requisition.legalFramework,
          officerName: requisition.officerName,
          officerRank: requisition.officerRank,
          officerUnit: requisition.officerUnit,
          communeInsee: requisition.communeInsee,
          requisitionDate: new Date(requisition.requisitionDate).toISOString(),
          requisitionDateParis: parisInstant(Date.parse(requisition.requisitionDate)),
          channel: requisition.channel,
        },
        items: items.get(row.id) ?? [],
      };
      const built = await this.deps.builder.build(this.deps.directory, request, (fraction, message) =>
        this.deps.repository.progress(row.id, Math.min(0.99, fraction), message.slice(0, 200)),
      );
      await this.deps.repository.transaction(async (trx) => {
        await this.deps.repository.update(trx, row.id, {
          state: 'ready',
          progress: 1,
          progress_message: 'Prêt / ready',
          finished_at: this.deps.clock.now().toISOString(),
          zip_path: basename(built.zipPath),
          zip_bytes: built.bytes,
          zip_sha256: built.sha256,
          journal: JSON.stringify(built.journal),
        });
        await this.deps.register.record(
          trx,
          built.journal.items.map((item) => ({
            at: this.deps.clock.now().toISOString(),
            communeInsee: row.commune_insee,
            cameraId: item.cameraId,
            kind: 'exported' as const,
            fromMs: Date.parse(item.imageStart),
            toMs: Date.parse(item.imageEnd),
            segments: 0,
            bytes: item.bytes,
            reference: requisition.procedureNumber,
            details: { packageId: row.id, requisitionId: requisition.id, file: item.file, sha256: item.sha256, reencoded: item.reencoded },
          })),
        );
        await this.deps.requisitions.markExported(trx, requisition.id, row.id, systemActor);
        await this.deps.audit.record(trx, systemActor, {
          action: 'export.ready',
          communeInsee: row.commune_insee,
          targetType: 'evidence_package',
          targetId: row.id,
          details: { requisitionId: requisition.id, bytes: built.bytes, sha256: built.sha256, items: built.journal.items.length },
        });
      });
      return row.id;
    } catch (error) {
      const code = error instanceof DomainError ? error.code : 'export_failed';
      const message = error instanceof DomainError ? `${error.messageFr} / ${error.messageEn}` : (error as Error).message;
      this.log.warn({ packageId: row.id, error: message }, 'evidence package failed');
      await this.fail(row.id, code, message);
      return row.id;
    }
  }

  /** Purges the ZIPs of packages whose requisition was delivered or closed more than the configured days ago (the worker's job). */
  async purgeDelivered(): Promise<number> {
    let purged = 0;
    const now = this.deps.clock.now();
    for (const row of await this.deps.repository.ready(1000)) {
      const requisition = await this.deps.requisitions.find(row.requisition_id, null);
      if (!deliveredStates.has(requisition.state) || !requisition.deliveredAt) continue;
      if (!purgeDue(requisition.deliveredAt, this.deps.keepAfterDeliveryDays, now.getTime())) continue;
      if (row.zip_path) await rm(join(this.deps.directory, basename(row.zip_path)), { force: true });
      const journal = row.journal ? journalSchema.safeParse(JSON.parse(row.journal)) : null;
      const journalItems = journal?.success ? journal.data.items : [];
      await this.deps.repository.transaction(async (trx) => {
        const at = now.toISOString();
        await this.deps.repository.update(trx, row.id, { state: 'purged', purged_at: at });
        await this.deps.register.record(
          trx,
          journalItems.map((item) => ({
            at,
            communeInsee: row.commune_insee,
            cameraId: item.cameraId,
            kind: 'export_purged' as const,
            fromMs: Date.parse(item.imageStart),
            toMs: Date.parse(item.imageEnd),
            segments: 0,
            bytes: item.bytes,
            reference: requisition.procedureNumber,
            details: { packageId: row.id, requisitionId: requisition.id, deliveredAt: requisition.deliveredAt },
          })),
        );
        await this.deps.audit.record(trx, systemActor, {
          action: 'export.purged',
          communeInsee: row.commune_insee,
          targetType: 'evidence_package',
          targetId: row.id,
          reason: `Réquisition ${requisition.state} le ${requisition.deliveredAt}, conservée ${this.deps.keepAfterDeliveryDays} j`,
          details: { requisitionId: requisition.id, bytes: row.zip_bytes, sha256: row.zip_sha256 },
        });
      });
      purged += 1;
    }
    return purged;
  }

  private async fail(id: string, code: string, message: string): Promise<void> {
    const row = await this.deps.repository.find(id);
    await rm(join(this.deps.directory, `${id}.work`), { recursive: true, force: true });
    await rm(join(this.deps.directory, `${id}.zip.partial`), { force: true });
    // A ZIP renamed just before a crash, its row not yet ready: never kept under a failed package.
    await rm(join(this.deps.directory, `${id}.zip`), { force: true });
    await this.deps.repository.transaction(async (trx) => {
      await this.deps.repository.update(trx, id, {
        state: 'failed',
        finished_at: this.deps.clock.now().toISOString(),
        error_code: code.slice(0, 64),
        error_message: message.slice(0, 2000),
      });
      await this.deps.audit.record(trx, systemActor, {
        action: 'export.failed',
        communeInsee: row?.commune_insee ?? null,
        targetType: 'evidence_package',
        targetId: id,
        details: { code, message: message.slice(0, 500) },
      });
    });
  }

  private async view(id: string, found?: PackageRow): Promise<PackageView> {
    const row = found ?? (await this.deps.repository.find(id));
    if (!row) throw packageNotFound();
    const items = await this.deps.repository.itemsOf([id]);
    return this.present(row, items.get(id) ?? []);
  }

  private present(row: PackageRow, items: readonly PackageItem[]): PackageView {
    const parsed = row.journal ? journalSchema.safeParse(JSON.parse(row.journal)) : null;
    const journal = parsed?.success ? parsed.data : null;
    return {
      id: row.id,
      requisitionId: row.requisition_id,
      communeInsee: row.commune_insee,
      state: row.state as PackageState,
      progress: { fraction: row.progress, message: row.progress_message },
      items: items.map((item) => ({ cameraId: item.cameraId, from: iso(item.fromMs), to: iso(item.toMs) })),
      createdBy: row.created_by,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      zip: row.state === 'ready' && row.zip_bytes !== null && row.zip_sha256 ? { bytes: row.zip_bytes, sha256: row.zip_sha256 } : null,
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
      purgedAt: row.purged_at,
      journal: journal
        ? {
            keyId: journal.signature.keyId,
            publicKeySha256: journal.signature.publicKeySha256,
            items: journal.items.map((item) => ({
              file: item.file,
              cameraId: item.cameraId,
              cameraName: item.cameraName,
              imageStart: item.imageStart,
              imageEnd: item.imageEnd,
              durationSeconds: item.durationSeconds,
              frames: item.frames,
              codec: item.codec,
              masked: item.masked,
              reencoded: item.reencoded,
              bytes: item.bytes,
              sha256: item.sha256,
              gaps: item.gaps.length,
            })),
          }
        : null,
    };
  }
}
