// CSV import, all or nothing: every line is parsed and checked (format, commune, scope, site,
// duplicates, retention bounds) before anything is written; any error refuses the whole file
// with the full list. Then one transaction applies it with multi-row inserts, so that a few
// thousand cameras take seconds on SQLite and PostgreSQL alike.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { CameraRow, SiteRow } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import { decide, type Action, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import type { Acting } from '../sites/index.ts';
import { runWorkerTask, WorkerTaskError } from '../../platform/workers.ts';
import { parseCameraCsv, type CameraImportRow, type ParsedImport } from './cameras.csv.ts';
import { csvWorkerUrl, type CsvProgress } from './cameras.csv.worker.ts';
import type { ImportProgressTracker } from './cameras.import-progress.ts';
import { lineError, type ImportLineError } from './cameras.import-errors.ts';
import type { CameraPositionRow, CamerasRepository } from './cameras.repository.ts';
import { auditSnapshot, configurationChanged, credentialsChange } from './cameras.rows.ts';
import type { ImportResult, StreamCredentials } from './cameras.schemas.ts';
import type { CameraAuthorisations, CameraSites } from './cameras.ports.ts';

/** What the importer shares with the cameras service, so that a camera created or changed by CSV leaves the same history. */
export interface CameraWrites {
  sealCredentials(credentials: StreamCredentials | null): string | null;
  credentialsDiffer(sealed: string | null, next: StreamCredentials | null): boolean;
  positionRow(row: CameraRow, actor: Actor, at: string): CameraPositionRow;
  writeUpdate(trx: AnyHandle, actor: Actor, current: CameraRow, next: CameraRow): Promise<CameraPositionRow | null>;
}

export interface ImportOptions {
  /** Validate only: the report is the same, nothing is written. */
  dryRun?: boolean;
  /** Create the sites a line names and the commune lacks (kind `other`) instead of refusing the line. */
  createSites?: boolean;
}

interface ImportPlan {
  sitesToCreate: { id: string; communeInsee: string; name: string }[];
  creates: CameraRow[];
  updates: { current: CameraRow; next: CameraRow; credentialsChanged: boolean }[];
  unchanged: number;
}

const importReason = 'CSV import';

export const importLimits = {
  /** Up to this size (about 800 cameras) a file is checked on the event loop, in well under 100 ms. */
  inlineParseChars: 256 * 1024,
  parseTimeoutMs: 60_000,
  parseHeapMb: 512,
  /** A refusal lists this many line errors at most, and counts the rest. */
  listedErrors: 1000,
};
const keyOf = (communeInsee: string, name: string) => `${communeInsee}\u0000${name}`;

export function importFailed(errors: readonly ImportLineError[]): DomainError {
  const lines = new Set(errors.map((error) => error.line)).size;
  const listed = errors.slice(0, importLimits.listedErrors);
  const more = errors.length - listed.length;
  return new DomainError('import_failed', {
    fr: `Import refusé : ${errors.length} erreur(s) sur ${lines} ligne(s)${more > 0 ? ` (les ${listed.length} premières listées)` : ''} ; aucune ligne n’a été enregistrée.`,
    en: `Import refused: ${errors.length} error(s) on ${lines} line(s)${more > 0 ? ` (the first ${listed.length} listed)` : ''}; no line was stored.`,
    details: { errors: listed, errorCount: errors.length },
  });
}

export class CameraImporter {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditApi,
    private readonly sites: CameraSites,
    private readonly repository: CamerasRepository,
    private readonly authorisations: CameraAuthorisations,
    private readonly cameras: CameraWrites,
    private readonly progress: ImportProgressTracker,
  ) {}

  /** Small files are parsed here; larger ones in a worker thread, so that the server keeps answering. */
  private async parse(text: string): Promise<ParsedImport> {
    const report = (linesDone: number, linesTotal: number) => this.progress.update('checking', linesDone, linesTotal);
    if (text.length <= importLimits.inlineParseChars) return parseCameraCsv(text, report);
    try {
      return await runWorkerTask<string, CsvProgress, ParsedImport>(csvWorkerUrl, text, {
        timeoutMs: importLimits.parseTimeoutMs,
        maxHeapMb: importLimits.parseHeapMb,
        onProgress: (progress) => report(progress.linesDone, progress.linesTotal),
      });
    } catch (error) {
      if (!(error instanceof WorkerTaskError) || error.reason === 'failed') throw error;
      throw new DomainError('import_failed', {
        fr: `Import refusé : fichier trop long à vérifier (${error.reason === 'timeout' ? `plus de ${importLimits.parseTimeoutMs / 1000} s` : 'mémoire'}) ; aucune ligne n’a été enregistrée.`,
        en: `Import refused: the file takes too long to check (${error.reason === 'timeout' ? `over ${importLimits.parseTimeoutMs / 1000} s` : 'memory'}); no line was stored.`,
      });
    }
  }

  async run(text: string, options: ImportOptions, acting: Acting): Promise<ImportResult> {
    const parsed = await this.parse(text);
    if (parsed.rows.length === 0) throw importFailed(parsed.errors);
    this.progress.update('writing', parsed.rows.length, parsed.rows.length);
    try {
      return await this.repository.transaction(async (trx) => {
        const errors = [...parsed.errors];
        const plan = await this.plan(trx, parsed.rows, options, acting.principal, errors);
        if (errors.length > 0) throw importFailed(errors.sort((a, b) => a.line - b.line));
        const result: ImportResult = {
          dryRun: options.dryRun === true,
          created: plan.creates.length,
          updated: plan.updates.length,
          unchanged: plan.unchanged,
          sitesCreated: plan.sitesToCreate.length,
        };
        if (options.dryRun) return result;
        await this.apply(trx, plan, acting.actor, parsed.rows.length);
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('conflict', {
          fr: 'Import refusé : l’inventaire a changé pendant l’import, relancez-le.',
          en: 'Import refused: the inventory changed during the import; run it again.',
        });
      }
      throw error;
    }
  }

  private async plan(
    trx: AnyHandle,
    rows: readonly CameraImportRow[],
    options: ImportOptions,
    principal: Principal | null,
    errors: ImportLineError[],
  ): Promise<ImportPlan> {
    const today = parisDate(this.clock.now());
    const may = (action: Action, communeInsee: string) => principal === null || decide(principal, action, communeInsee, today).allowed;
    const communes = [...new Set(rows.map((row) => row.communeInsee))];
    const existing = await this.sites.existingCommunes(trx, communes);
    const allowed = communes.filter((insee) => existing.has(insee) && may('camera.import', insee));
    const sites = new Map<string, SiteRow | { id: string }>(
      (await this.sites.sitesOf(trx, allowed)).map((site) => [keyOf(site.commune_insee, site.name), site]),
    );
    const cameras = new Map((await this.repository.list({ communes: allowed }, trx)).map((camera) => [keyOf(camera.commune_insee, camera.name), camera]));
    const now = this.clock.now().toISOString();
    const plan: ImportPlan = { sitesToCreate: [], creates: [], updates: [], unchanged: 0 };

    for (const row of rows) {
      const { line, communeInsee } = row;
      if (!existing.has(communeInsee)) {
        errors.push(lineError(line, 'unknown_commune', { column: 'commune_insee', communeInsee }));
        continue;
      }
      if (!allowed.includes(communeInsee)) {
        errors.push(lineError(line, 'commune_out_of_scope', { column: 'commune_insee', communeInsee }));
        continue;
      }
      let site = sites.get(keyOf(communeInsee, row.siteName));
      if (!site) {
        if (!options.createSites || !may('site.write', communeInsee)) {
          errors.push(lineError(line, 'unknown_site', { column: 'site', communeInsee, site: row.siteName }));
          continue;
        }
        site = { id: randomUUID() };
        sites.set(keyOf(communeInsee, row.siteName), site);
        plan.sitesToCreate.push({ id: site.id, communeInsee, name: row.siteName });
      }
      const current = cameras.get(keyOf(communeInsee, row.name));
      if (current && row.retentionDays != null && row.retentionDays !== current.retention_days) {
        const refusal = await this.retentionRefusal(trx, line, current, row.retentionDays);
        if (refusal) {
          errors.push(refusal);
          continue;
        }
      }
      const configuration = {
        site_id: site.id,
        name: row.name,
        kind: row.kind,
        field_class: row.fieldClass,
        latitude: row.latitude,
        longitude: row.longitude,
        heading_deg: row.headingDeg,
        model: row.model,
        ip_address: row.ipAddress,
        mac_address: row.macAddress,
        main_stream_url: row.mainStreamUrl,
        sub_stream_url: row.subStreamUrl,
        onvif_url: row.onvifUrl,
        purposes: JSON.stringify(row.purposes),
        commissioning_date: row.commissioningDate,
        enabled: row.enabled ? 1 : 0,
      };
      if (!current) {
        plan.creates.push({
          id: randomUUID(),
          commune_insee: communeInsee,
          ...configuration,
          credentials_sealed: this.cameras.sealCredentials(row.credentials),
          operational_state: 'unknown',
          retention_days: row.retentionDays ?? null,
          recording_engine: row.recordingEngine ?? 'native',
          rtsp_transport: row.rtspTransport ?? 'tcp',
          created_at: now,
          updated_at: now,
        });
        continue;
      }
      const next: CameraRow = {
        ...current,
        ...configuration,
        retention_days: row.retentionDays === undefined ? current.retention_days : row.retentionDays,
        recording_engine: row.recordingEngine ?? current.recording_engine,
        rtsp_transport: row.rtspTransport ?? current.rtsp_transport,
      };
      // No username/password in the file keeps the stored credentials (an export re-imports unchanged).
      const credentialsChanged = row.credentials !== null && this.cameras.credentialsDiffer(current.credentials_sealed, row.credentials);
      if (credentialsChanged) next.credentials_sealed = this.cameras.sealCredentials(row.credentials);
      if (!credentialsChanged && !configurationChanged(current, next)) {
        plan.unchanged++;
        continue;
      }
      plan.updates.push({ current, next: { ...next, updated_at: now }, credentialsChanged });
    }
    return plan;
  }

  private async retentionRefusal(trx: AnyHandle, line: number, camera: CameraRow, days: number): Promise<ImportLineError | null> {
    try {
      await this.authorisations.assertRetentionAllowed(camera.commune_insee, camera.id, days, trx);
      return null;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'retention_out_of_bounds') throw error;
      return {
        line,
        column: 'retention_days',
        code: 'retention_out_of_bounds',
        message_fr: `Colonne retention_days : ${error.messageFr}`,
        message_en: `Column retention_days: ${error.messageEn}`,
      };
    }
  }

  /**
   * Writes the plan with multi-row inserts. The audit gets one `camera.created` row per new
   * camera (appended in bulk), a row per changed camera, and one `camera.imported` summary per
   * commune listing every camera created and every change (before/after, never credentials).
   */
  private async apply(trx: AnyHandle, plan: ImportPlan, actor: Actor, lines: number): Promise<void> {
    if (plan.sitesToCreate.length > 0) await this.sites.createForImport(trx, actor, plan.sitesToCreate);
    await this.repository.insert(trx, plan.creates);
    const at = this.clock.now().toISOString();
    const positions = plan.creates.map((row) => this.cameras.positionRow(row, actor, at));
    for (const { current, next } of plan.updates) {
      const position = await this.cameras.writeUpdate(trx, actor, current, next);
      if (position) positions.push(position);
    }
    await this.repository.insertPositions(trx, positions);
    await this.audit.recordMany(
      trx,
      actor,
      plan.creates.map((row) => ({
        action: 'camera.created',
        communeInsee: row.commune_insee,
        targetType: 'camera',
        targetId: row.id,
        reason: importReason,
        details: { after: auditSnapshot(row), streamLogin: row.credentials_sealed === null ? 'none' : 'set' },
      })),
    );
    for (const [communeInsee, details] of this.auditDetails(plan, lines)) {
      await this.audit.record(trx, actor, {
        action: 'camera.imported',
        communeInsee,
        targetType: 'commune',
        targetId: communeInsee,
        reason: importReason,
        details,
      });
    }
  }

  private auditDetails(
    plan: ImportPlan,
    lines: number,
  ): Map<string, Record<string, unknown> & { created: unknown[]; updated: unknown[]; sitesCreated: unknown[] }> {
    const byCommune = new Map<string, Record<string, unknown> & { created: unknown[]; updated: unknown[]; sitesCreated: unknown[] }>();
    const of = (communeInsee: string) => {
      let entry = byCommune.get(communeInsee);
      if (!entry) {
        entry = { fileLines: lines, created: [], updated: [], sitesCreated: [] };
        byCommune.set(communeInsee, entry);
      }
      return entry;
    };
    for (const site of plan.sitesToCreate) of(site.communeInsee).sitesCreated.push({ id: site.id, name: site.name });
    for (const row of plan.creates)
      of(row.commune_insee).created.push({ ...auditSnapshot(row), streamLogin: row.credentials_sealed === null ? 'none' : 'set' });
    for (const { current, next, credentialsChanged } of plan.updates) {
      const change: Record<string, unknown> = { id: current.id, name: current.name };
      if (configurationChanged(current, next)) Object.assign(change, diffForAudit(auditSnapshot(current), auditSnapshot(next)));
      if (credentialsChanged) change.streamLogin = credentialsChange(current, next);
      of(current.commune_insee).updated.push(change);
    }
    return byCommune;
  }
}
