// Saved live layouts (issue 5 item 2): a user's named grids of cameras, optionally shared with
// every console user. Reading needs `image.live`; saving `layout.write`. Only the owner changes
// or deletes a layout; a shared one may also be changed or deleted by a supervisor or an
// administrator (they keep the room's common layouts tidy). Another user's private layout is
// reported as unknown. Tiles holding a camera outside the viewer's scope read as empty. Every
// change is audited in its transaction, with what it was before and after.
import { randomUUID } from 'node:crypto';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, type Principal, type Role } from '../access/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import type { ConsoleRepository, LiveLayout } from './console.repository.ts';
import { assertCamerasVisible, layoutInputSchema, layoutReplaceSchema, parseConsoleInput, visibleTiles, type Grid, type Tiles } from './console.rules.ts';

export type Acting = { actor: Actor; principal: Principal };

/** What the console needs of the cameras module: the cameras a principal may see. */
export interface ConsoleCameras {
  list(principal: Principal | null): Promise<Array<{ id: string }>>;
}

export interface LayoutView {
  id: string;
  name: string;
  grid: Grid;
  tiles: Tiles;
  shared: boolean;
  ownerLogin: string;
  mine: boolean;
  updatedAt: string;
}

/** Roles that tend the room's shared layouts. */
const sharedLayoutKeepers: ReadonlySet<Role> = new Set(['administrator', 'supervisor']);
const layoutNotFound = () => notFound({ fr: 'Disposition', en: 'Layout' });
const auditView = (layout: LiveLayout) => ({ name: layout.name, grid: layout.grid, tiles: layout.tiles, shared: layout.shared, ownerLogin: layout.ownerLogin });

export class LayoutsService {
  constructor(
    private readonly repository: ConsoleRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly cameras: ConsoleCameras,
  ) {}

  /** The principal's own layouts and the shared ones. */
  async list(principal: Principal): Promise<LayoutView[]> {
    assertAllowed(principal, 'image.live', null, this.today());
    const [layouts, visible] = await Promise.all([this.repository.layoutsVisibleTo(principal.id), this.visibleCameras(principal)]);
    return layouts.map((layout) => this.view(layout, principal, visible));
  }

  async create(input: unknown, acting: Acting): Promise<LayoutView> {
    assertAllowed(acting.principal, 'layout.write', null, this.today());
    const data = parseConsoleInput(layoutInputSchema, input, 'layout_invalid');
    const visible = await this.visibleCameras(acting.principal);
    assertCamerasVisible(data.tiles, visible, 'layout_invalid');
    const at = this.clock.now().toISOString();
    const layout: LiveLayout = {
      id: randomUUID(),
      ownerId: acting.principal.id,
      ownerLogin: acting.principal.login,
      name: data.name,
      grid: data.grid as Grid,
      tiles: data.tiles,
      shared: data.shared,
      createdAt: at,
      updatedAt: at,
      updatedBy: acting.principal.login,
    };
    await this.repository.transaction(async (trx) => {
      await this.repository.insertLayout(trx, layout);
      await this.audit.record(trx, acting.actor, {
        action: 'layout.created',
        targetType: 'live_layout',
        targetId: layout.id,
        details: { before: null, after: auditView(layout) },
      });
    });
    return this.view(layout, acting.principal, visible);
  }

  /** Replaces the layout's name, grid, tiles and sharing. */
  async update(id: string, input: unknown, acting: Acting): Promise<LayoutView> {
    assertAllowed(acting.principal, 'layout.write', null, this.today());
    const data = parseConsoleInput(layoutReplaceSchema, input, 'layout_invalid');
    const visible = await this.visibleCameras(acting.principal);
    assertCamerasVisible(data.tiles, visible, 'layout_invalid');
    const after = await this.repository.transaction(async (trx) => {
      const before = await this.repository.findLayout(id, trx, true);
      this.assertMayChange(before, acting.principal);
      const changed: LiveLayout = {
        ...before!,
        name: data.name,
        grid: data.grid as Grid,
        tiles: data.tiles,
        shared: data.shared,
        updatedAt: this.clock.now().toISOString(),
        updatedBy: acting.principal.login,
      };
      await this.repository.updateLayout(trx, changed);
      await this.audit.record(trx, acting.actor, {
        action: 'layout.updated',
        targetType: 'live_layout',
        targetId: id,
        details: { before: auditView(before!), after: auditView(changed) },
      });
      return changed;
    });
    return this.view(after, acting.principal, visible);
  }

  async remove(id: string, acting: Acting): Promise<void> {
    assertAllowed(acting.principal, 'layout.write', null, this.today());
    await this.repository.transaction(async (trx) => {
      const before = await this.repository.findLayout(id, trx, true);
      this.assertMayChange(before, acting.principal);
      await this.repository.deleteLayout(trx, id);
      await this.audit.record(trx, acting.actor, {
        action: 'layout.deleted',
        targetType: 'live_layout',
        targetId: id,
        details: { before: auditView(before!), after: null },
      });
    });
  }

  private assertMayChange(layout: LiveLayout | undefined, principal: Principal): asserts layout is LiveLayout {
    if (!layout || (layout.ownerId !== principal.id && !layout.shared)) throw layoutNotFound();
    if (layout.ownerId === principal.id) return;
    if (!sharedLayoutKeepers.has(principal.role)) {
      throw new DomainError('forbidden', {
        fr: `Seul ${layout.ownerLogin}, un chef de CSU ou un administrateur peut modifier cette disposition partagée.`,
        en: `Only ${layout.ownerLogin}, a supervisor or an administrator may change this shared layout.`,
      });
    }
  }

  private view(layout: LiveLayout, principal: Principal, visible: ReadonlySet<string>): LayoutView {
    return {
      id: layout.id,
      name: layout.name,
      grid: layout.grid,
      tiles: visibleTiles(layout.tiles, visible),
      shared: layout.shared,
      ownerLogin: layout.ownerLogin,
      mine: layout.ownerId === principal.id,
      updatedAt: layout.updatedAt,
    };
  }

  private async visibleCameras(principal: Principal): Promise<Set<string>> {
    return new Set((await this.cameras.list(principal)).map((camera) => camera.id));
  }

  private today(): string {
    return parisDate(this.clock.now());
  }
}
