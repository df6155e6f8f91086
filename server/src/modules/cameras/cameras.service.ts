// Camera inventory use cases: CRUD with validation, sealed credentials, position history
// (LEGAL 3), retention override within the authorisation's bounds (LEGAL 6), the effective
// state (LEGAL 1) in every view, CSV import/export. A camera is never deleted, only
// decommissioned (enabled = 0): its recordings, audit trail and authorisations refer to it.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { CameraRow } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { assertAllowed, communeFilter, inScope, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import { parseInput, type Acting } from '../sites/index.ts';
import { camerasToCsv } from './cameras.csv.ts';
import { ImportProgressTracker } from './cameras.import-progress.ts';
import { CameraImporter, type ImportOptions } from './cameras.import.ts';
import type { CameraAuthorisations, CameraCommunes, CameraSites } from './cameras.ports.ts';
import type { CameraPositionRow, CamerasRepository } from './cameras.repository.ts';
import { auditSnapshot, cameraView, configurationChanged, credentialsChange, positionChanged, stripUrlCredentials } from './cameras.rows.ts';
import {
  cameraCreateSchema,
  cameraUpdateSchema,
  credentialsSchema,
  type CameraCreate,
  type CameraListFilter,
  type CameraPositionView,
  type CameraUpdate,
  type CameraView,
  type ImportProgressView,
  type ImportResult,
  type OperationalState,
  type StreamCredentials,
} from './cameras.schemas.ts';

export type { Acting };

/** A camera's retention settings: its override and its commune's (the retention purge, legal holds). */
export interface CameraRetentionSettings {
  cameraId: string;
  communeInsee: string;
  cameraRetentionDays: number | null;
  communeRetentionDays: number | null;
}

const cameraNotFound = () => notFound({ fr: 'Caméra', en: 'Camera' });

export function assertPositionComplete(row: { latitude: number | null; longitude: number | null }): void {
  if ((row.latitude === null) !== (row.longitude === null)) {
    throw new DomainError('validation_failed', {
      fr: 'Latitude et longitude vont ensemble : renseignez les deux ou aucune.',
      en: 'Latitude and longitude go together: give both or neither.',
      details: [{ field: row.latitude === null ? 'latitude' : 'longitude', problem: 'required with the other coordinate' }],
    });
  }
}

function duplicateName(name: string, communeInsee: string): DomainError {
  return new DomainError('conflict', {
    fr: `La caméra « ${name} » existe déjà dans la commune ${communeInsee}.`,
    en: `Camera "${name}" already exists in commune ${communeInsee}.`,
  });
}

export class CamerasService {
  /** The inventory import under way in this process (one at a time). */
  private readonly imports: ImportProgressTracker;

  constructor(
    private readonly repository: CamerasRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
    private readonly authorisations: CameraAuthorisations,
    /** The cameras module reads and (on import) creates sites through the sites module. */
    private readonly sites: CameraSites,
    private readonly communes: CameraCommunes,
  ) {
    this.imports = new ImportProgressTracker(() => clock.now());
  }

  private today(): string {
    return parisDate(this.clock.now());
  }

  sealCredentials(credentials: StreamCredentials | null): string | null {
    return credentials === null ? null : this.secrets.encrypt(JSON.stringify({ username: credentials.username, password: credentials.password }));
  }

  private openCredentials(sealed: string | null): StreamCredentials | null {
    return sealed === null ? null : credentialsSchema.parse(JSON.parse(this.secrets.decrypt(sealed)));
  }

  /** True when `next` credentials differ from the sealed ones (encryption is randomised, so decrypt to compare). */
  credentialsDiffer(sealed: string | null, next: StreamCredentials | null): boolean {
    const current = this.openCredentials(sealed);
    if (current === null || next === null) return current !== next;
    return current.username !== next.username || current.password !== next.password;
  }

  async views(rows: readonly CameraRow[], handle?: AnyHandle): Promise<CameraView[]> {
    const ids = rows.map((row) => row.id);
    const [siteNames, coverage] = await Promise.all([
      this.sites.namesById(
        handle,
        rows.map((row) => row.site_id),
      ),
      this.authorisations.coverage(ids, handle),
    ]);
    return rows.map((row) => cameraView(row, siteNames.get(row.site_id) ?? '', coverage.get(row.id)));
  }

  async create(input: CameraCreate, acting: Acting): Promise<CameraView> {
    const data = parseInput(cameraCreateSchema, input);
    assertPositionComplete(data);
    const { urls, found } = stripUrlCredentials({ mainStreamUrl: data.mainStreamUrl, subStreamUrl: data.subStreamUrl, onvifUrl: data.onvifUrl });
    const credentials = data.credentials ?? found;
    let communeInsee = '';
    try {
      return await this.repository.transaction(async (trx) => {
        const site = await this.sites.findById(trx, data.siteId);
        if (!site)
          throw new DomainError('validation_failed', { fr: 'Site inconnu.', en: 'Unknown site.', details: [{ field: 'siteId', problem: 'unknown site' }] });
        communeInsee = site.commune_insee;
        if (data.communeInsee !== undefined && data.communeInsee !== site.commune_insee) {
          throw new DomainError('validation_failed', {
            fr: `Le site choisi appartient à la commune ${site.commune_insee}, pas à ${data.communeInsee}.`,
            en: `The chosen site belongs to commune ${site.commune_insee}, not ${data.communeInsee}.`,
            details: [{ field: 'communeInsee', problem: 'does not match the site' }],
          });
        }
        if (acting.principal) assertAllowed(acting.principal, 'camera.write', site.commune_insee, this.today());
        const id = randomUUID();
        if (data.retentionDays !== null) await this.authorisations.assertRetentionAllowed(site.commune_insee, id, data.retentionDays, trx);
        const now = this.clock.now().toISOString();
        const row: CameraRow = {
          id,
          commune_insee: site.commune_insee,
          site_id: site.id,
          name: data.name,
          kind: data.kind,
          field_class: data.fieldClass,
          latitude: data.latitude,
          longitude: data.longitude,
          heading_deg: data.headingDeg,
          model: data.model,
          ip_address: data.ipAddress,
          mac_address: data.macAddress,
          main_stream_url: urls.mainStreamUrl,
          sub_stream_url: urls.subStreamUrl,
          onvif_url: urls.onvifUrl,
          credentials_sealed: this.sealCredentials(credentials),
          purposes: JSON.stringify(data.purposes),
          commissioning_date: data.commissioningDate,
          enabled: data.enabled ? 1 : 0,
          operational_state: 'unknown',
          retention_days: data.retentionDays,
          recording_engine: data.recordingEngine,
          rtsp_transport: data.rtspTransport,
          created_at: now,
          updated_at: now,
        };
        await this.repository.insert(trx, [row]);
        await this.repository.insertPositions(trx, [this.positionRow(row, acting.actor, now)]);
        await this.recordCreated(trx, acting.actor, row);
        return (await this.views([row], trx))[0]!;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(data.name, communeInsee);
      throw error;
    }
  }

  async update(id: string, input: CameraUpdate, acting: Acting): Promise<CameraView> {
    const data = parseInput(cameraUpdateSchema, input);
    let communeInsee = '';
    try {
      return await this.repository.transaction(async (trx) => {
        const current = await this.repository.find(id, trx);
        if (!current) throw cameraNotFound();
        communeInsee = current.commune_insee;
        if (acting.principal) assertAllowed(acting.principal, 'camera.write', current.commune_insee, this.today());
        if (data.siteId !== undefined && data.siteId !== current.site_id) {
          const site = await this.sites.findById(trx, data.siteId);
          if (!site || site.commune_insee !== current.commune_insee) {
            throw new DomainError('validation_failed', {
              fr: 'Site inconnu ou d’une autre commune : une caméra ne change pas de commune.',
              en: 'Unknown site or one of another commune: a camera never changes commune.',
              details: [{ field: 'siteId', problem: 'unknown site or other commune' }],
            });
          }
        }
        const { urls, found } = stripUrlCredentials({ mainStreamUrl: data.mainStreamUrl, subStreamUrl: data.subStreamUrl, onvifUrl: data.onvifUrl });
        const next: CameraRow = {
          ...current,
          site_id: data.siteId ?? current.site_id,
          name: data.name ?? current.name,
          kind: data.kind ?? current.kind,
          field_class: data.fieldClass ?? current.field_class,
          latitude: data.latitude === undefined ? current.latitude : data.latitude,
          longitude: data.longitude === undefined ? current.longitude : data.longitude,
          heading_deg: data.headingDeg === undefined ? current.heading_deg : data.headingDeg,
          model: data.model === undefined ? current.model : data.model,
          ip_address: data.ipAddress === undefined ? current.ip_address : data.ipAddress,
          mac_address: data.macAddress === undefined ? current.mac_address : data.macAddress,
          main_stream_url: urls.mainStreamUrl ?? current.main_stream_url,
          sub_stream_url: urls.subStreamUrl === undefined ? current.sub_stream_url : urls.subStreamUrl,
          onvif_url: urls.onvifUrl === undefined ? current.onvif_url : urls.onvifUrl,
          purposes: data.purposes === undefined ? current.purposes : JSON.stringify(data.purposes),
          commissioning_date: data.commissioningDate === undefined ? current.commissioning_date : data.commissioningDate,
          enabled: data.enabled === undefined ? current.enabled : data.enabled ? 1 : 0,
          retention_days: data.retentionDays === undefined ? current.retention_days : data.retentionDays,
          recording_engine: data.recordingEngine ?? current.recording_engine,
          rtsp_transport: data.rtspTransport ?? current.rtsp_transport,
        };
        assertPositionComplete(next);
        if (next.retention_days !== null && next.retention_days !== current.retention_days) {
          await this.authorisations.assertRetentionAllowed(current.commune_insee, id, next.retention_days, trx);
        }
        const credentials = data.credentials !== undefined ? data.credentials : (found ?? undefined);
        const credentialsChanged = credentials !== undefined && this.credentialsDiffer(current.credentials_sealed, credentials);
        if (credentialsChanged) next.credentials_sealed = this.sealCredentials(credentials);
        if (!configurationChanged(current, next) && !credentialsChanged) return (await this.views([current], trx))[0]!;
        next.updated_at = this.clock.now().toISOString();
        await this.applyUpdate(trx, acting.actor, current, next, credentialsChanged);
        return (await this.views([next], trx))[0]!;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(data.name ?? '', communeInsee);
      throw error;
    }
  }

  /** DELETE: the camera stays in the inventory, disabled (never recorded nor shown). */
  decommission(id: string, acting: Acting): Promise<CameraView> {
    return this.update(id, { enabled: false }, acting);
  }

  async get(id: string, principal: Principal | null): Promise<CameraView> {
    const row = await this.repository.find(id);
    if (!row || (principal && !inScope(principal, row.commune_insee))) throw cameraNotFound();
    return (await this.views([row]))[0]!;
  }

  async list(principal: Principal | null, filter: CameraListFilter = {}): Promise<CameraView[]> {
    const scope = principal ? communeFilter(principal) : null;
    let communes = scope;
    if (filter.commune) communes = scope === null || scope.includes(filter.commune) ? [filter.commune] : [];
    const views = await this.views(await this.repository.list({ communes, siteId: filter.site }));
    const needle = filter.q?.toLowerCase();
    return views.filter(
      (view) =>
        (!filter.state || view.state === filter.state) &&
        (!needle || [view.name, view.model ?? '', view.ipAddress ?? ''].some((text) => text.toLowerCase().includes(needle))),
    );
  }

  /** Cameras no valid authorisation covers today (LEGAL 1), enabled or not. */
  async unauthorised(principal: Principal | null, filter: CameraListFilter = {}): Promise<CameraView[]> {
    return (await this.list(principal, { ...filter, state: undefined })).filter(
      (view) => !view.authorisation.authorised && (!filter.state || view.state === filter.state),
    );
  }

  async positions(id: string, principal: Principal | null): Promise<CameraPositionView[]> {
    await this.get(id, principal);
    const rows = await this.repository.positions(id);
    return rows.map((row) => ({
      changedAt: row.changed_at,
      latitude: row.latitude,
      longitude: row.longitude,
      headingDeg: row.heading_deg,
      changedBy: row.changed_by,
    }));
  }

  /** The inventory as CSV (no credentials); the export itself is audited, since it lists addresses. */
  async exportCsv(acting: Acting, filter: CameraListFilter & { delimiter?: ',' | ';' } = {}): Promise<string> {
    const { delimiter, ...listFilter } = filter;
    const cameras = await this.list(acting.principal, listFilter);
    await this.audit.recordAlone(acting.actor, { action: 'camera.exported', targetType: 'camera', details: { filter: listFilter, cameras: cameras.length } });
    return camerasToCsv(cameras, delimiter);
  }

  /** All or nothing; one at a time (`import_busy`), its progress readable by `importProgress`. */
  async importCsv(text: string, options: ImportOptions, acting: Acting): Promise<ImportResult> {
    this.imports.start(acting.actor.login ?? acting.actor.type, options.dryRun === true, Buffer.byteLength(text));
    try {
      return await new CameraImporter(this.clock, this.audit, this.sites, this.repository, this.authorisations, this, this.imports).run(text, options, acting);
    } finally {
      this.imports.finish();
    }
  }

  importProgress(): ImportProgressView {
    return this.imports.view();
  }

  /**
   * For the recorder and live modules (LEGAL 1): the camera when it may be recorded or shown,
   * else `camera_disabled` or `camera_unauthorised`. Out of the principal's scope: `not_found`.
   */
  async requireOperable(cameraId: string, principal: Principal | null): Promise<CameraView> {
    const camera = await this.get(cameraId, principal);
    if (camera.state === 'disabled')
      throw new DomainError('camera_disabled', { fr: `Caméra ${camera.name} hors service.`, en: `Camera ${camera.name} is decommissioned.` });
    if (camera.state === 'unauthorised') {
      throw new DomainError('camera_unauthorised', {
        fr: `La caméra ${camera.name} n’est couverte par aucune autorisation préfectorale valide : elle n’est ni enregistrée ni affichée.`,
        en: `Camera ${camera.name} is covered by no valid prefectoral authorisation: it is neither recorded nor shown.`,
      });
    }
    return camera;
  }

  /** Decrypted stream credentials, for the recorder and live modules only: never sent over HTTP. */
  async streamCredentials(cameraId: string): Promise<StreamCredentials | null> {
    const row = await this.repository.find(cameraId);
    if (!row) throw cameraNotFound();
    return this.openCredentials(row.credentials_sealed);
  }

  /** Written by the recorder (starting, recording, reconnecting, failed); returns whether it changed. */
  setOperationalState(cameraId: string, state: OperationalState): Promise<boolean> {
    return this.repository.setOperationalState(cameraId, state);
  }

  /** For the authorisations module: commune, retention override and name of each camera. */
  async inventoryFacts(
    handle: AnyHandle | undefined,
    cameraIds: readonly string[],
  ): Promise<Map<string, { communeInsee: string; retentionDays: number | null; name: string }>> {
    const rows = await this.repository.findMany(cameraIds, handle);
    return new Map(rows.map((row) => [row.id, { communeInsee: row.commune_insee, retentionDays: row.retention_days, name: row.name }]));
  }

  /** For the retention purge and legal holds: every camera's retention override and its commune's. */
  async retentionSettings(handle?: AnyHandle): Promise<CameraRetentionSettings[]> {
    const rows = await this.repository.retentionRows(handle);
    const communes = await this.communes.retentions(handle);
    return rows
      .filter((row) => communes.has(row.commune_insee))
      .map((row) => ({
        cameraId: row.id,
        communeInsee: row.commune_insee,
        cameraRetentionDays: row.retention_days === null ? null : Number(row.retention_days),
        communeRetentionDays: communes.get(row.commune_insee) ?? null,
      }));
  }

  /** Commune of each camera id that exists; unknown ids are absent. */
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>> {
    return this.repository.communesOf(cameraIds, handle);
  }

  // Shared with the importer, so that a camera created or changed by CSV leaves the same history.

  positionRow(row: CameraRow, actor: Actor, at: string): CameraPositionRow {
    return {
      id: randomUUID(),
      camera_id: row.id,
      changed_at: at,
      latitude: row.latitude,
      longitude: row.longitude,
      heading_deg: row.heading_deg,
      changed_by: actor.login,
    };
  }

  private async recordCreated(trx: AnyHandle, actor: Actor, row: CameraRow): Promise<void> {
    await this.audit.record(trx, actor, {
      action: 'camera.created',
      communeInsee: row.commune_insee,
      targetType: 'camera',
      targetId: row.id,
      details: { after: auditSnapshot(row) },
    });
    if (row.credentials_sealed !== null) {
      await this.audit.record(trx, actor, {
        action: 'camera.credentials_changed',
        communeInsee: row.commune_insee,
        targetType: 'camera',
        targetId: row.id,
        details: { change: 'set' },
      });
    }
  }

  /** Writes `next`; returns the position history row to insert when it moved, or null. */
  async writeUpdate(trx: AnyHandle, actor: Actor, current: CameraRow, next: CameraRow): Promise<CameraPositionRow | null> {
    const { id, created_at: _created, operational_state: _state, ...changes } = next;
    await this.repository.update(trx, id, changes);
    return positionChanged(current, next) ? this.positionRow(next, actor, next.updated_at) : null;
  }

  private async applyUpdate(trx: AnyHandle, actor: Actor, current: CameraRow, next: CameraRow, credentialsChanged: boolean): Promise<void> {
    const position = await this.writeUpdate(trx, actor, current, next);
    if (position) await this.repository.insertPositions(trx, [position]);
    const target = { communeInsee: current.commune_insee, targetType: 'camera', targetId: current.id };
    if (configurationChanged(current, next)) {
      const action = current.enabled === 1 && next.enabled === 0 ? 'camera.decommissioned' : 'camera.updated';
      await this.audit.record(trx, actor, { action, ...target, details: diffForAudit(auditSnapshot(current), auditSnapshot(next)) });
    }
    if (credentialsChanged) {
      await this.audit.record(trx, actor, { action: 'camera.credentials_changed', ...target, details: { change: credentialsChange(current, next) } });
    }
  }
}
