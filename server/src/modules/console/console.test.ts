// The console's pure pieces, without IO: layout and wall validation, what a viewer sees of
// tiles and tours outside their scope, the event-stream format, heartbeat, bounded life and
// cleanup (fake timers), the map configuration read from the environment, and the console's
// CSP naming the tile server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config.ts';
import { contentSecurityPolicy, htmlSecurityHeaders } from '../../platform/http/web.ts';
import { assertCamerasVisible, layoutInputSchema, parseConsoleInput, visibleTiles, visibleTour, wallPushSchema } from './console.rules.ts';
import { EventStream, formatEvent } from './event-stream.ts';
import { WallEvents } from './wall-events.ts';

const codeOf = (work: () => unknown) => {
  try {
    work();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('layouts and walls: validation', () => {
  const layout = (overrides: Record<string, unknown>) => () =>
    parseConsoleInput(layoutInputSchema, { name: 'Gare', grid: 4, tiles: ['a', null, 'b', null], shared: false, ...overrides }, 'layout_invalid');
  it('accepts grids of 1, 4, 9, 16, 25 with exactly that many tiles, camera ids or empty', () => {
    assert.equal(codeOf(layout({})), 'ok');
    for (const grid of [1, 9, 16, 25]) assert.equal(codeOf(layout({ grid, tiles: Array.from({ length: grid }, () => null) })), 'ok', `grid ${grid}`);
    assert.equal(layout({ shared: undefined })().shared, false, 'not shared unless asked');
    assert.equal(layout({ name: '  Gare nord ' })().name, 'Gare nord');
  });

  it('refuses other grids, a tile count that does not match, tiles that are not ids, a missing name: layout_invalid naming the field', () => {
    for (const bad of [
      { grid: 6, tiles: Array(6).fill(null) },
      { grid: 4, tiles: ['a'] },
      { tiles: ['a', 1, null, null] },
      { tiles: ['a', '', null, null] },
      { name: '' },
      { name: undefined },
      { shared: 'yes' },
    ]) {
      assert.equal(codeOf(layout(bad)), 'layout_invalid', JSON.stringify(bad));
    }
    try {
      layout({ grid: 4, tiles: ['a'] })();
    } catch (error) {
      assert.match((error as { messageFr: string }).messageFr, /champ « tiles »/);
      assert.match((error as { messageEn: string }).messageEn, /nothing was stored/);
    }
  });

  it('checks a wall push: grid, tiles, a tour of 1+ cameras every 5 to 3,600 s, or none', () => {
    const push = (overrides: Record<string, unknown>) => () =>
      parseConsoleInput(wallPushSchema, { grid: 1, tiles: ['a'], tour: null, ...overrides }, 'wall_invalid');
    assert.equal(codeOf(push({})), 'ok');
    assert.equal(codeOf(push({ tour: undefined })), 'wall_invalid', 'a push says what becomes of the tour: null for none');
    assert.equal(codeOf(push({ tour: { cameraIds: ['a', 'b'], intervalSeconds: 5 } })), 'ok');
    assert.equal(codeOf(push({ tour: { cameraIds: ['a'], intervalSeconds: 3600 } })), 'ok');
    for (const tour of [
      { cameraIds: ['a'], intervalSeconds: 4 },
      { cameraIds: ['a'], intervalSeconds: 3601 },
      { cameraIds: [], intervalSeconds: 10 },
      { cameraIds: ['a'], intervalSeconds: 7.5 },
    ]) {
      assert.equal(codeOf(push({ tour })), 'wall_invalid', JSON.stringify(tour));
    }
    assert.equal(codeOf(push({ grid: 4, tiles: ['a'] })), 'wall_invalid');
  });

  it('refuses cameras the author cannot see, and shows a viewer only theirs: empty tiles, a shorter tour', () => {
    const visible = new Set(['a', 'b']);
    assert.equal(
      codeOf(() => assertCamerasVisible(['a', null, 'b'], visible, 'layout_invalid')),
      'ok',
    );
    assert.equal(
      codeOf(() => assertCamerasVisible(['a', 'foreign'], visible, 'wall_invalid')),
      'wall_invalid',
    );
    assert.deepEqual(visibleTiles(['a', 'foreign', null, 'b'], visible), ['a', null, null, 'b']);
    assert.deepEqual(visibleTour({ cameraIds: ['foreign', 'b'], intervalSeconds: 10 }, visible), { cameraIds: ['b'], intervalSeconds: 10 });
    assert.equal(visibleTour({ cameraIds: ['foreign'], intervalSeconds: 10 }, visible), null);
    assert.equal(visibleTour(null, visible), null);
  });
});

/** A response and timers the test drives. */
function fakeResponse() {
  const written: string[] = [];
  const listeners = new Map<string, () => void>();
  let ended = false;
  let status = 0;
  let headers: Record<string, string> = {};
  const response = {
    writeHead: (code: number, values: Record<string, string>) => {
      status = code;
      headers = values;
      return response;
    },
    write: (text: string) => {
      written.push(text);
      return true;
    },
    end: () => {
      ended = true;
      return response;
    },
    on: (event: string, listener: () => void) => {
      listeners.set(event, listener);
      return response;
    },
    get writableEnded() {
      return ended;
    },
  };
  const timers: Array<{ callback: () => void; ms: number; kind: 'interval' | 'timeout'; cleared: boolean }> = [];
  const add = (kind: 'interval' | 'timeout') => (callback: () => void, ms: number) => {
    const timer = { callback, ms, kind, cleared: false };
    timers.push(timer);
    return timer;
  };
  const clear = (handle: unknown) => {
    (handle as { cleared: boolean }).cleared = true;
  };
  const options = {
    heartbeatMs: 15_000,
    maxDurationMs: 600_000,
    setInterval: add('interval'),
    clearInterval: clear,
    setTimeout: add('timeout'),
    clearTimeout: clear,
  };
  return {
    response,
    options,
    written,
    timers,
    disconnect: () => listeners.get('close')?.(),
    get ended() {
      return ended;
    },
    get status() {
      return status;
    },
    get headers() {
      return headers;
    },
  };
}

describe('event stream', () => {
  it('formats named events with JSON data on data lines', () => {
    assert.equal(formatEvent('wall', { id: 'w1', name: 'Mur\nA' }), 'event: wall\ndata: {"id":"w1","name":"Mur\\nA"}\n\n');
    assert.throws(() => formatEvent('wall\ndata: x', {}));
  });

  it('answers text/event-stream, sends heartbeat comments every 15 s, ends at its bounded life and cleans up once', () => {
    const fake = fakeResponse();
    // The stream takes a Node response; the fake has the members it uses.
    const stream = new EventStream(fake.response as unknown as ConstructorParameters<typeof EventStream>[0], fake.options);
    assert.equal(fake.status, 200);
    assert.match(fake.headers['content-type']!, /^text\/event-stream/);
    assert.equal(fake.headers['cache-control'], 'no-store');
    let cleaned = 0;
    stream.onClose(() => {
      cleaned += 1;
    });
    stream.send('wall', { id: 'w1' });
    const heartbeat = fake.timers.find((timer) => timer.kind === 'interval')!;
    assert.equal(heartbeat.ms, 15_000);
    heartbeat.callback();
    assert.deepEqual(fake.written, ['retry: 3000\n\n', 'event: wall\ndata: {"id":"w1"}\n\n', ': heartbeat\n\n']);
    fake.timers.find((timer) => timer.kind === 'timeout')!.callback();
    assert.equal(fake.ended, true);
    assert.equal(cleaned, 1);
    assert.ok(
      fake.timers.every((timer) => timer.cleared),
      'no timer left',
    );
    fake.disconnect();
    stream.send('wall', { id: 'late' });
    assert.equal(cleaned, 1, 'cleaned once');
    assert.equal(fake.written.length, 3, 'nothing written once closed');
  });

  it('cleans up when the client leaves', () => {
    const fake = fakeResponse();
    const events = new WallEvents();
    const stream = new EventStream(fake.response as unknown as ConstructorParameters<typeof EventStream>[0], fake.options);
    stream.onClose(events.subscribe('w1', (event) => stream.send('wall', event)));
    assert.equal(events.subscribers('w1'), 1);
    fake.disconnect();
    assert.equal(events.subscribers('w1'), 0);
    assert.ok(fake.timers.every((timer) => timer.cleared));
  });
});

describe('map configuration', () => {
  it('has no tiles, attribution nor centre by default', () => {
    assert.deepEqual(loadConfig({}).map, { tileUrl: null, tileOrigin: null, attribution: null, center: null });
    assert.deepEqual(loadConfig({ VIGIE_MAP_TILE_URL: '', VIGIE_MAP_CENTER: ' ' }).map.tileUrl, null);
  });

  it('reads an https tile template, its origin (subdomains as a wildcard), the attribution and the centre', () => {
    const map = loadConfig({
      VIGIE_MAP_TILE_URL: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      VIGIE_MAP_ATTRIBUTION: '© OpenStreetMap',
      VIGIE_MAP_CENTER: '45.188, 5.724',
    }).map;
    assert.deepEqual(map, {
      tileUrl: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      tileOrigin: 'https://*.tile.example.org',
      attribution: '© OpenStreetMap',
      center: { latitude: 45.188, longitude: 5.724 },
    });
    assert.equal(loadConfig({ VIGIE_MAP_TILE_URL: 'https://Tiles.Example.org:8443/osm/{z}/{x}/{y}.png' }).map.tileOrigin, 'https://tiles.example.org:8443');
    assert.equal(loadConfig({ VIGIE_MAP_TILE_URL: 'http://127.0.0.1:8081/{z}/{x}/{y}.png' }).map.tileOrigin, 'http://127.0.0.1:8081', 'http on loopback only');
  });

  it('stops start-up on a bad template or centre, naming the variable', () => {
    for (const url of [
      'http://tiles.example.org/{z}/{x}/{y}.png',
      'https://tiles.example.org/tiles.png',
      'ftp://x/{z}/{x}/{y}',
      'https://a.{s}.example.org/{z}/{x}/{y}.png',
      'https://u:p@tiles.example.org/{z}/{x}/{y}.png',
      'https://tiles.example.org;img-src */{z}/{x}/{y}.png',
    ]) {
      assert.throws(() => loadConfig({ VIGIE_MAP_TILE_URL: url }), /VIGIE_MAP_TILE_URL/, url);
    }
    for (const center of ['45.1', '91,5', '45,181', 'grenoble']) assert.throws(() => loadConfig({ VIGIE_MAP_CENTER: center }), /VIGIE_MAP_CENTER/, center);
  });

  it('adds the tile server to the console CSP img-src, and nowhere else', () => {
    const csp = contentSecurityPolicy({ imageOrigins: ['https://*.tile.example.org'] });
    assert.match(csp, /img-src 'self' data: blob: https:\/\/\*\.tile\.example\.org;/);
    assert.equal(csp.split('tile.example.org').length, 2, 'only in img-src');
    assert.doesNotMatch(contentSecurityPolicy(), /example/);
    assert.match(
      htmlSecurityHeaders({ imageOrigins: ['https://tiles.example.org'] })['content-security-policy']!,
      /img-src 'self' data: blob: https:\/\/tiles\.example\.org;/,
    );
    assert.throws(() => contentSecurityPolicy({ imageOrigins: ["https://x.org; script-src 'unsafe-inline'"] }));
  });
});
