// The console's API on both databases, through HTTP with signed-in users: saved layouts (own
// and shared, who may change them, invalid ones refused with nothing stored, cameras out of
// scope shown as empty tiles and never named), video walls (configure, push, audit, a viewer
// of another commune seeing empty tiles) and their Server-Sent Events on a real listening
// server (the wall at once, after each push, heartbeats, cleanup when the client leaves, the
// end when the wall is deleted), the map configuration, and the CSP naming the tile server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerWebConsole } from '../../platform/http/web.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';
import { wallStreamTiming } from './console.routes.ts';

const HOME = '38999';
const FOREIGN = '38998';
const mapEnv = {
  VIGIE_MAP_TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
  VIGIE_MAP_ATTRIBUTION: '© contributeurs OpenStreetMap',
  VIGIE_MAP_CENTER: '45.19,5.72',
};

/** Reads a text/event-stream response event by event. */
function eventReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const blocks: string[] = [];
  let done = false;
  const pump = (async () => {
    for (let reads = 0; reads < 10_000; reads++) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        blocks.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    done = true;
  })();
  return {
    blocks,
    get done() {
      return done;
    },
    /** The next block matching, waiting up to `timeoutMs`; consumed. */
    async next(match: (block: string) => boolean, what: string, timeoutMs = 5000): Promise<string> {
      await waitFor(what, () => blocks.some(match) || done, timeoutMs, 20);
      const index = blocks.findIndex(match);
      if (index === -1) throw new Error(`stream ended before ${what}`);
      return blocks.splice(0, index + 1).at(-1)!;
    },
    cancel: () =>
      reader
        .cancel()
        .catch(() => undefined)
        .then(() => pump),
    finished: pump,
  };
}
const wallData = (block: string) =>
  JSON.parse(
    block
      .split('\n')
      .find((line) => line.startsWith('data: '))!
      .slice(6),
  ) as { id: string; grid: number; tiles: Array<string | null>; tour: unknown };
const isEvent = (name: string) => (block: string) => block.startsWith(`event: ${name}\n`);

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`console API [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let operator: SignedIn;
    let colleague: SignedIn;
    let supervisor: SignedIn;
    let foreignOperator: SignedIn;
    let centreAdmin: SignedIn;
    const camera: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };
    const names: Record<string, string> = {};

    before(async () => {
      context = await createTestContext(dialect, { env: mapEnv });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await services.communes.create({ insee: FOREIGN, name: 'Saint-Guet', retentionDays: 14 }, testCli);
      const homeSite = await services.sites.create({ communeInsee: HOME, name: 'Gare', kind: 'station' }, testCli);
      const foreignSite = await services.sites.create({ communeInsee: FOREIGN, name: 'Mairie de Saint-Guet', kind: 'street' }, testCli);
      for (const [key, site, name] of [
        ['a1', homeSite.id, 'Parvis de la gare'],
        ['a2', homeSite.id, 'Quai 1'],
        ['b1', foreignSite.id, 'Place secrète de Saint-Guet'],
      ] as const) {
        const created = await services.cameras.create(
          {
            siteId: site,
            name,
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: `rtsp://127.0.0.1:8554/cam/${key}/main`,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
        camera[key] = created.id;
        names[key] = name;
      }
      operator = await signIn(context, 'operator', [HOME]);
      colleague = await signIn(context, 'operator', [HOME]);
      supervisor = await signIn(context, 'supervisor', [HOME]);
      foreignOperator = await signIn(context, 'operator', [FOREIGN]);
      centreAdmin = await signIn(context, 'administrator', 'all');
    });
    after(async () => context?.close());

    const audits = (action: string) =>
      context.database.handle.db.selectFrom('audit_log').select(['actor_login', 'target_id', 'details']).where('action', '=', action).orderBy('seq').execute();
    const layoutRows = async () => (await context.database.handle.db.selectFrom('live_layouts').select('id').execute()).length;

    it('saves layouts, lists own and shared ones, shows cameras out of scope as empty tiles without naming them', async () => {
      const shared = await operator.request({
        method: 'POST',
        url: '/api/layouts',
        payload: { name: 'Gare', grid: 4, tiles: [camera.a1, null, camera.a2, null], shared: true },
      });
      assert.equal(shared.statusCode, 201, shared.body);
      assert.deepEqual(
        { ...(shared.json() as object), id: undefined, updatedAt: undefined },
        {
          id: undefined,
          updatedAt: undefined,
          name: 'Gare',
          grid: 4,
          tiles: [camera.a1, null, camera.a2, null],
          shared: true,
          ownerLogin: operator.login,
          mine: true,
        },
      );
      const own = await operator.request({ method: 'POST', url: '/api/layouts', payload: { name: 'Mes quais', grid: 1, tiles: [camera.a2] } });
      assert.equal(own.statusCode, 201, own.body);
      assert.equal(own.json().shared, false);
      const mixed = await centreAdmin.request({
        method: 'POST',
        url: '/api/layouts',
        payload: { name: 'Tout le CSU', grid: 4, tiles: [camera.b1, camera.a1, null, null], shared: true },
      });
      assert.equal(mixed.statusCode, 201, mixed.body);

      const mine = await operator.request({ method: 'GET', url: '/api/layouts' });
      assert.equal(mine.statusCode, 200);
      const listed = mine.json() as Array<{ name: string; tiles: Array<string | null>; mine: boolean }>;
      assert.deepEqual(
        listed.map((layout) => [layout.name, layout.mine]),
        [
          ['Gare', true],
          ['Mes quais', true],
          ['Tout le CSU', false],
        ],
      );
      assert.deepEqual(listed[2]!.tiles, [null, camera.a1, null, null], 'the foreign camera is an empty tile');
      assert.ok(!mine.body.includes(camera.b1) && !mine.body.includes(names.b1!), 'never named');

      const foreign = await foreignOperator.request({ method: 'GET', url: '/api/layouts' });
      const foreignListed = foreign.json() as Array<{ name: string; tiles: Array<string | null> }>;
      assert.deepEqual(
        foreignListed.map((layout) => layout.name),
        ['Gare', 'Tout le CSU'],
        'shared ones only, not the private one',
      );
      assert.deepEqual(foreignListed[0]!.tiles, [null, null, null, null]);
      assert.deepEqual(foreignListed[1]!.tiles, [camera.b1, null, null, null]);
      assert.ok(!foreign.body.includes(camera.a1) && !foreign.body.includes(camera.a2));
      const [created] = await audits('layout.created');
      assert.deepEqual(
        [created!.actor_login, created!.target_id, JSON.parse(created!.details).after.tiles],
        [operator.login, shared.json().id, [camera.a1, null, camera.a2, null]],
      );
    });

    it('refuses invalid layouts with layout_invalid, storing and auditing nothing', async () => {
      const rows = await layoutRows();
      const audited = (await audits('layout.created')).length;
      for (const payload of [
        { name: 'Six', grid: 6, tiles: Array(6).fill(null) },
        { name: 'Court', grid: 4, tiles: [camera.a1] },
        { name: 'Nombre', grid: 1, tiles: [42] },
        { name: '', grid: 1, tiles: [null] },
        { name: 'Étrangère', grid: 1, tiles: [camera.b1] },
        { name: 'Inconnue', grid: 1, tiles: ['cam-404'] },
      ]) {
        const response = await operator.request({ method: 'POST', url: '/api/layouts', payload });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assert.equal(response.json().code, 'layout_invalid', response.body);
      }
      assert.equal(await layoutRows(), rows);
      assert.equal((await audits('layout.created')).length, audited);
    });

    it('lets only the owner change a layout, and a supervisor a shared one; another user’s private layout is unknown', async () => {
      const layouts = (await operator.request({ method: 'GET', url: '/api/layouts' })).json() as Array<{ id: string; name: string }>;
      const shared = layouts.find((layout) => layout.name === 'Gare')!;
      const own = layouts.find((layout) => layout.name === 'Mes quais')!;
      const change = { name: 'Gare (nuit)', grid: 1, tiles: [camera.a1], shared: true };
      const byColleague = await colleague.request({ method: 'PUT', url: `/api/layouts/${shared.id}`, payload: change });
      assert.deepEqual([byColleague.statusCode, byColleague.json().code], [403, 'forbidden']);
      assert.equal((await colleague.request({ method: 'PUT', url: `/api/layouts/${own.id}`, payload: change })).statusCode, 404);
      assert.equal((await colleague.request({ method: 'DELETE', url: `/api/layouts/${own.id}` })).statusCode, 404);
      const byOwner = await operator.request({
        method: 'PUT',
        url: `/api/layouts/${own.id}`,
        payload: { name: 'Mes quais', grid: 4, tiles: [camera.a2, camera.a1, null, null], shared: false },
      });
      assert.equal(byOwner.statusCode, 200, byOwner.body);
      const bySupervisor = await supervisor.request({ method: 'PUT', url: `/api/layouts/${shared.id}`, payload: change });
      assert.equal(bySupervisor.statusCode, 200, bySupervisor.body);
      assert.deepEqual([bySupervisor.json().name, bySupervisor.json().mine, bySupervisor.json().ownerLogin], ['Gare (nuit)', false, operator.login]);
      const [updated] = (await audits('layout.updated')).filter((row) => row.target_id === shared.id);
      const details = JSON.parse(updated!.details) as { before: { name: string }; after: { name: string } };
      assert.deepEqual([updated!.actor_login, details.before.name, details.after.name], [supervisor.login, 'Gare', 'Gare (nuit)']);
      assert.equal((await colleague.request({ method: 'DELETE', url: `/api/layouts/${shared.id}` })).statusCode, 403);
      assert.equal((await supervisor.request({ method: 'DELETE', url: `/api/layouts/${shared.id}` })).statusCode, 204);
      assert.equal((await operator.request({ method: 'DELETE', url: `/api/layouts/${own.id}` })).statusCode, 204);
      assert.deepEqual((await audits('layout.deleted')).map((row) => row.target_id).sort(), [own.id, shared.id].sort());
      assert.deepEqual(
        ((await operator.request({ method: 'GET', url: '/api/layouts' })).json() as Array<{ name: string }>).map((layout) => layout.name),
        ['Tout le CSU'],
      );
    });

    it('configures walls (wall.write), pushes layouts and tours (wall.push, audited), refuses invalid pushes, scopes what a viewer sees', async () => {
      assert.equal(
        (await operator.request({ method: 'POST', url: '/api/walls', payload: { name: 'Mur' } })).statusCode,
        403,
        'operators push, they do not configure',
      );
      const created = await supervisor.request({ method: 'POST', url: '/api/walls', payload: { name: 'Mur principal' } });
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual([created.json().grid, created.json().tiles, created.json().tour], [1, [null], null]);
      assert.equal((await supervisor.request({ method: 'POST', url: '/api/walls', payload: { name: 'Mur principal' } })).json().code, 'conflict');
      assert.equal((await supervisor.request({ method: 'POST', url: '/api/walls', payload: { name: ' ' } })).json().code, 'wall_invalid');
      const wallId = created.json().id as string;

      const push = { grid: 4, tiles: [camera.a1, camera.a2, null, null], tour: { cameraIds: [camera.a1, camera.a2], intervalSeconds: 10 } };
      const pushed = await operator.request({ method: 'PUT', url: `/api/walls/${wallId}/layout`, payload: push });
      assert.equal(pushed.statusCode, 200, pushed.body);
      assert.deepEqual([pushed.json().tiles, pushed.json().tour, pushed.json().updatedBy], [push.tiles, push.tour, operator.login]);
      for (const payload of [
        { ...push, tour: { cameraIds: [camera.a1], intervalSeconds: 3 } },
        { ...push, tiles: [camera.b1, null, null, null] },
        { ...push, tour: { cameraIds: [camera.b1], intervalSeconds: 10 } },
        { grid: 9, tiles: [null], tour: null },
      ]) {
        const response = await operator.request({ method: 'PUT', url: `/api/walls/${wallId}/layout`, payload });
        assert.deepEqual([response.statusCode, response.json().code], [400, 'wall_invalid'], JSON.stringify(payload));
      }
      const [audited] = await audits('wall.pushed');
      assert.deepEqual([audited!.actor_login, audited!.target_id, JSON.parse(audited!.details).after.tiles], [operator.login, wallId, push.tiles]);
      assert.equal((await audits('wall.pushed')).length, 1, 'refused pushes are not stored');

      const seenAbroad = await foreignOperator.request({ method: 'GET', url: '/api/walls' });
      assert.deepEqual(
        seenAbroad.json().map((wall: { tiles: unknown; tour: unknown }) => [wall.tiles, wall.tour]),
        [[[null, null, null, null], null]],
      );
      assert.ok(!seenAbroad.body.includes(camera.a1));
      assert.equal((await operator.request({ method: 'PUT', url: '/api/walls/nope/layout', payload: push })).statusCode, 404);

      const byCli = await context.services.walls.create({ name: 'Mur installé en ligne de commande' }, testCli);
      assert.match(byCli.updatedBy, /^cli:/, 'the CLI sets walls up too, in its own name');
      await context.services.walls.push(byCli.id, { grid: 1, tiles: [camera.b1], tour: null }, testCli);
      await context.services.walls.remove(byCli.id, testCli);
    });

    it('streams the wall as Server-Sent Events: at once, after each push, heartbeats; cleans up when the client leaves; ends on deletion', async () => {
      const wallId = ((await operator.request({ method: 'GET', url: '/api/walls' })).json() as Array<{ id: string }>)[0]!.id;
      const savedHeartbeat = wallStreamTiming.heartbeatMs;
      wallStreamTiming.heartbeatMs = 300;
      const url = await context.app.listen({ host: '127.0.0.1', port: 0 });
      const open = (who: SignedIn, id = wallId) => fetch(`${url}/api/walls/${id}/events`, { headers: { cookie: who.cookie, accept: 'text/event-stream' } });
      const readers: Array<ReturnType<typeof eventReader>> = [];
      try {
        const unknown = await open(operator, 'nope');
        assert.deepEqual([unknown.status, ((await unknown.json()) as { code: string }).code], [404, 'not_found']);
        const response = await open(operator);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
        const stream = eventReader(response);
        const foreign = eventReader(await open(foreignOperator));
        readers.push(stream, foreign);
        assert.deepEqual(wallData(await stream.next(isEvent('wall'), 'the wall at once')).tiles, [camera.a1, camera.a2, null, null]);
        assert.deepEqual(wallData(await foreign.next(isEvent('wall'), 'the wall at once, abroad')).tiles, [null, null, null, null]);
        await waitFor('both streams followed', () => context.services.walls.events.subscribers(wallId) === 2, 5000, 20);

        const push = { grid: 1, tiles: [camera.a2], tour: null };
        assert.equal((await operator.request({ method: 'PUT', url: `/api/walls/${wallId}/layout`, payload: push })).statusCode, 200);
        const update = wallData(await stream.next(isEvent('wall'), 'the pushed layout'));
        assert.deepEqual([update.grid, update.tiles, update.tour], [1, [camera.a2], null]);
        assert.deepEqual(wallData(await foreign.next(isEvent('wall'), 'the pushed layout, abroad')).tiles, [null]);
        await stream.next((block) => block === ': heartbeat', 'a heartbeat comment', 3000);

        await foreign.cancel();
        await waitFor('the foreign stream released', () => context.services.walls.events.subscribers(wallId) === 1, 5000, 20);
        assert.equal((await supervisor.request({ method: 'DELETE', url: `/api/walls/${wallId}` })).statusCode, 204);
        assert.deepEqual(JSON.parse((await stream.next(isEvent('deleted'), 'the deletion')).split('data: ')[1]!), { id: wallId });
        await waitFor('the stream ended by the server', () => stream.done, 5000, 20);
        assert.equal(context.services.walls.events.subscribers(wallId), 0);
        assert.equal((await audits('wall.deleted')).filter((row) => row.target_id === wallId).length, 1);
      } finally {
        wallStreamTiming.heartbeatMs = savedHeartbeat;
        await Promise.all(readers.map((reader) => reader.cancel()));
      }
    });

    it('gives the map configuration to camera readers', async () => {
      const technician = await signIn(context, 'technician', [HOME]);
      const response = await technician.request({ method: 'GET', url: '/api/map/config' });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), {
        tileUrl: mapEnv.VIGIE_MAP_TILE_URL,
        attribution: mapEnv.VIGIE_MAP_ATTRIBUTION,
        center: { latitude: 45.19, longitude: 5.72 },
      });
      assert.equal(context.config.map.tileOrigin, 'https://*.tiles.example.org');
    });

    it('ends open wall streams when the server closes, instead of waiting for them', async () => {
      const created = await supervisor.request({ method: 'POST', url: '/api/walls', payload: { name: 'Mur de nuit' } });
      const address = context.app.server.listening ? (context.app.server.address() as { address: string; port: number }) : null;
      const url = address ? `http://${address.address}:${address.port}` : await context.app.listen({ host: '127.0.0.1', port: 0 });
      const stream = eventReader(await fetch(`${url}/api/walls/${created.json().id}/events`, { headers: { cookie: operator.cookie } }));
      await stream.next(isEvent('wall'), 'the wall at once');
      const closing = context.app.close();
      await waitFor('the stream ended by the shutdown', () => stream.done, 5000, 20);
      await Promise.race([closing, new Promise((_, reject) => setTimeout(() => reject(new Error('app.close() waited for the stream')), 5000))]);
    });
  });
}

describe('console CSP with map tiles', () => {
  it('names the tile server in img-src of the console page', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigie-web-map-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Vigie</title>');
    const app = Fastify({ logger: false });
    try {
      await registerWebConsole(app, { root, imageOrigins: ['https://*.tiles.example.org'] });
      const csp = (await app.inject({ method: 'GET', url: '/carte' })).headers['content-security-policy'] as string;
      assert.match(csp, /img-src 'self' data: blob: https:\/\/\*\.tiles\.example\.org;/);
      assert.match(csp, /connect-src 'self';/, 'tiles are images only');
    } finally {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
