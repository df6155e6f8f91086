// Patrol tours of a camera's presets (virtual patrol): list (`ptz.control`), create, replace
// and delete (`ptz.tour.write` on the camera's commune), each change audited in its
// transaction with what it was before and after. Invalid input is `ptz_tour_invalid` and
// nothing is stored. The runner (ptz.tours.ts) hears of changes at once in this process.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, inScope, type Action, type Principal } from '../access/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import type { CameraView } from '../cameras/index.ts';
import { isExpired, type PtzLock } from './ptz.lock.ts';
import type { PtzRepository } from './ptz.repository.ts';
import type { TourView } from './ptz.schemas.ts';
import { isSteerable, type Acting, type PtzCameras } from './ptz.service.ts';
import { parseTourInput, tourView, type PatrolTour } from './ptz.tours.rules.ts';

const tourNotFound = () => notFound({ fr: 'Ronde virtuelle', en: 'Patrol tour' });
const auditView = (tour: PatrolTour) => ({
  cameraId: tour.cameraId,
  name: tour.name,
  steps: tour.steps,
  activeFrom: tour.activeFrom,
  activeTo: tour.activeTo,
  enabled: tour.enabled,
});
const actorName = (actor: Actor) => actor.login ?? actor.type;

export class PtzToursService {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly repository: PtzRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly cameras: Pick<PtzCameras, 'get'>,
  ) {}

  /** Told after every committed change (the runner reloads its tours). */
  onToursChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(cameraId: string, principal: Principal | null): Promise<TourView[]> {
    await this.authorisedCamera(cameraId, principal, 'ptz.control');
    const [tours, lock] = await Promise.all([this.repository.toursOfCamera(cameraId), this.liveLock(cameraId)]);
    const now = this.clock.now();
    return tours.map((tour) => tourView(tour, lock, now));
  }

  async create(cameraId: string, input: unknown, acting: Acting): Promise<TourView> {
    const data = parseTourInput(input);
    // Cameras are read before the transaction: on SQLite a read outside it would wait for it.
    const camera = await this.authorisedCamera(cameraId, acting.principal, 'ptz.tour.write');
    if (!isSteerable(camera)) throw new DomainError('ptz_unsupported');
    const created = await this.repository.transaction(async (trx) => {
      const at = this.clock.now().toISOString();
      const tour: PatrolTour = {
        id: randomUUID(),
        cameraId,
        communeInsee: camera.communeInsee,
        ...data,
        createdAt: at,
        createdBy: actorName(acting.actor),
        updatedAt: at,
        updatedBy: actorName(acting.actor),
      };
      await this.repository.insertTour(trx, tour);
      await this.audit.record(trx, acting.actor, {
        action: 'ptz.tour_created',
        communeInsee: tour.communeInsee,
        targetType: 'ptz_tour',
        targetId: tour.id,
        details: { before: null, after: auditView(tour) },
      });
      return tour;
    });
    this.changed();
    return tourView(created, null, this.clock.now());
  }

  /** Replaces the tour's definition (PUT: every field given). */
  async update(id: string, input: unknown, acting: Acting): Promise<TourView> {
    const data = parseTourInput(input, 'replace');
    await this.authorisedTour(id, acting.principal);
    const updated = await this.repository.transaction(async (trx) => {
      const before = await this.repository.findTour(id, trx, true);
      if (!before) throw tourNotFound();
      const after: PatrolTour = { ...before, ...data, updatedAt: this.laterThan(before.updatedAt), updatedBy: actorName(acting.actor) };
      await this.repository.updateTour(trx, after);
      await this.audit.record(trx, acting.actor, {
        action: 'ptz.tour_updated',
        communeInsee: before.communeInsee,
        targetType: 'ptz_tour',
        targetId: id,
        details: { before: auditView(before), after: auditView(after) },
      });
      return after;
    });
    this.changed();
    return tourView(updated, await this.liveLock(updated.cameraId), this.clock.now());
  }

  async remove(id: string, acting: Acting): Promise<void> {
    await this.authorisedTour(id, acting.principal);
    await this.repository.transaction(async (trx) => {
      const before = await this.repository.findTour(id, trx, true);
      if (!before) throw tourNotFound();
      await this.repository.deleteTour(trx, id);
      await this.audit.record(trx, acting.actor, {
        action: 'ptz.tour_deleted',
        communeInsee: before.communeInsee,
        targetType: 'ptz_tour',
        targetId: id,
        details: { before: auditView(before), after: null },
      });
    });
    this.changed();
  }

  /** For the runner: enabled tours in creation order. */
  enabledTours(limit: number): Promise<PatrolTour[]> {
    return this.repository.enabledTours(limit);
  }

  /** The camera's lock unless expired (ending expired sessions is the PTZ service's job). */
  private async liveLock(cameraId: string): Promise<PtzLock | null> {
    const lock = await this.repository.findLock(cameraId);
    return lock && !isExpired(lock, this.clock.now()) ? lock : null;
  }

  /** A tour's camera is never changed, so its commune can be checked before the transaction. */
  private async authorisedTour(id: string, principal: Principal): Promise<void> {
    const tour = await this.repository.findTour(id);
    if (!tour) throw tourNotFound();
    await this.authorisedCamera(tour.cameraId, principal, 'ptz.tour.write', tourNotFound);
  }

  /**
   * The camera, once the principal may do `action` on its commune. A tour reached by its own
   * id outside the principal's scope reads as unknown; a camera named in the URL says
   * `commune_out_of_scope`, as the other PTZ routes do.
   */
  private async authorisedCamera(cameraId: string, principal: Principal | null, action: Action, missing?: () => DomainError): Promise<CameraView> {
    const camera = await this.cameras.get(cameraId, null);
    if (principal && missing && !inScope(principal, camera.communeInsee)) throw missing();
    if (principal) assertAllowed(principal, action, camera.communeInsee, parisDate(this.clock.now()));
    return camera;
  }

  /** The runner restarts an edited tour by its version (updatedAt): make it change even within one millisecond. */
  private laterThan(previous: string): string {
    const now = this.clock.now().getTime();
    return new Date(Math.max(now, Date.parse(previous) + 1)).toISOString();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
