// Video walls (issue 5 item 6): named big screens showing a layout pushed by an operator, with
// an optional tour cycling cameras every N seconds. Configuring walls (create, delete) needs
// `wall.write`, pushing `wall.push` (audited, with the layout before and after), watching
// `image.live`. A viewer sees only the cameras of their communes: others are empty tiles and
// leave the tour. Pushes reach the walls' event streams through `WallEvents`.
import { randomUUID } from 'node:crypto';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { ConsoleRepository, VideoWall } from './console.repository.ts';
import {
  assertCamerasVisible,
  parseConsoleInput,
  visibleTiles,
  visibleTour,
  wallCreateSchema,
  wallPushSchema,
  type Grid,
  type Tiles,
  type WallTour,
} from './console.rules.ts';
import type { Actor } from '../audit/index.ts';
import type { ConsoleCameras } from './layouts.service.ts';
import { WallEvents } from './wall-events.ts';

export interface WallView {
  id: string;
  name: string;
  grid: Grid;
  tiles: Tiles;
  tour: WallTour | null;
  updatedAt: string;
  updatedBy: string;
}

/** A null principal is the CLI or the system (setting up walls): no scope, every camera. */
export type WallActing = { actor: Actor; principal: Principal | null };

const wallNotFound = () => notFound({ fr: 'Mur d’images', en: 'Video wall' });
const duplicateName = (name: string) =>
  new DomainError('conflict', { fr: `Un mur d’images s’appelle déjà « ${name} ».`, en: `A video wall named "${name}" already exists.` });
const auditView = (wall: VideoWall) => ({ name: wall.name, grid: wall.grid, tiles: wall.tiles, tour: wall.tour });
const authorName = (acting: WallActing) => acting.principal?.login ?? acting.actor.login ?? acting.actor.type;

export class WallsService {
  readonly events = new WallEvents();

  constructor(
    private readonly repository: ConsoleRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly cameras: ConsoleCameras,
  ) {}

  async list(principal: Principal): Promise<WallView[]> {
    assertAllowed(principal, 'image.live', null, this.today());
    const [walls, visible] = await Promise.all([this.repository.walls(), this.visibleCameras(principal)]);
    return walls.map((wall) => viewOf(wall, visible));
  }

  async get(id: string, principal: Principal): Promise<WallView> {
    assertAllowed(principal, 'image.live', null, this.today());
    const wall = await this.repository.findWall(id);
    if (!wall) throw wallNotFound();
    return viewOf(wall, await this.visibleCameras(principal));
  }

  async create(input: unknown, acting: WallActing): Promise<WallView> {
    if (acting.principal) assertAllowed(acting.principal, 'wall.write', null, this.today());
    const { name } = parseConsoleInput(wallCreateSchema, input, 'wall_invalid');
    const at = this.clock.now().toISOString();
    const wall: VideoWall = {
      id: randomUUID(),
      name,
      grid: 1,
      tiles: [null],
      tour: null,
      createdAt: at,
      createdBy: authorName(acting),
      updatedAt: at,
      updatedBy: authorName(acting),
    };
    try {
      await this.repository.transaction(async (trx) => {
        if (await this.repository.wallNamed(name, trx)) throw duplicateName(name);
        await this.repository.insertWall(trx, wall);
        await this.audit.record(trx, acting.actor, {
          action: 'wall.created',
          targetType: 'video_wall',
          targetId: wall.id,
          details: { before: null, after: auditView(wall) },
        });
      });
    } catch (error) {
      throw isUniqueViolation(error) ? duplicateName(name) : error;
    }
    return viewOf(wall, new Set());
  }

  async remove(id: string, acting: WallActing): Promise<void> {
    if (acting.principal) assertAllowed(acting.principal, 'wall.write', null, this.today());
    await this.repository.transaction(async (trx) => {
      const before = await this.repository.findWall(id, trx, true);
      if (!before) throw wallNotFound();
      await this.repository.deleteWall(trx, id);
      await this.audit.record(trx, acting.actor, {
        action: 'wall.deleted',
        targetType: 'video_wall',
        targetId: id,
        details: { before: auditView(before), after: null },
      });
    });
    this.events.publish({ type: 'deleted', wallId: id });
  }

  /** Shows a layout (and optionally a tour) on the wall; every stream of the wall follows at once. */
  async push(id: string, input: unknown, acting: WallActing): Promise<WallView> {
    if (acting.principal) assertAllowed(acting.principal, 'wall.push', null, this.today());
    const data = parseConsoleInput(wallPushSchema, input, 'wall_invalid');
    const visible = await this.visibleCameras(acting.principal);
    assertCamerasVisible([...data.tiles, ...(data.tour?.cameraIds ?? [])], visible, 'wall_invalid');
    const after = await this.repository.transaction(async (trx) => {
      const before = await this.repository.findWall(id, trx, true);
      if (!before) throw wallNotFound();
      const changed: VideoWall = {
        ...before,
        grid: data.grid as Grid,
        tiles: data.tiles,
        tour: data.tour,
        updatedAt: this.clock.now().toISOString(),
        updatedBy: authorName(acting),
      };
      await this.repository.updateWallLayout(trx, changed);
      await this.audit.record(trx, acting.actor, {
        action: 'wall.pushed',
        targetType: 'video_wall',
        targetId: id,
        details: { before: auditView(before), after: auditView(changed) },
      });
      return changed;
    });
    this.events.publish({ type: 'wall', wall: after });
    return viewOf(after, visible);
  }

  /**
   * Follows one wall for one viewer: `onWall` with the wall as this viewer may see it after
   * every push (in push order), `onDeleted` when it is removed. Returns the unsubscribe function.
   */
  follow(id: string, principal: Principal, handlers: { onWall(view: WallView): void; onDeleted(): void; onError(error: unknown): void }): () => void {
    let chain: Promise<void> = Promise.resolve();
    return this.events.subscribe(id, (event) => {
      chain = chain
        .then(async () => {
          if (event.type === 'deleted') return handlers.onDeleted();
          // Approval and training are checked again at each push; the stream's bounded life makes the viewer sign in again.
          assertAllowed(principal, 'image.live', null, this.today());
          handlers.onWall(viewOf(event.wall, await this.visibleCameras(principal)));
        })
        .catch(handlers.onError);
    });
  }

  private async visibleCameras(principal: Principal | null): Promise<Set<string>> {
    return new Set((await this.cameras.list(principal)).map((camera) => camera.id));
  }

  private today(): string {
    return parisDate(this.clock.now());
  }
}

function viewOf(wall: VideoWall, visible: ReadonlySet<string>): WallView {
  return {
    id: wall.id,
    name: wall.name,
    grid: wall.grid,
    tiles: visibleTiles(wall.tiles, visible),
    tour: visibleTour(wall.tour, visible),
    updatedAt: wall.updatedAt,
    updatedBy: wall.updatedBy,
  };
}
