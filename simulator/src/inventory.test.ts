import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { fleetFileSchema, fleetFromFile, generateFleet } from './config.ts';
import { INVENTORY_COLUMNS, inventoryCsv } from './inventory.ts';

const HEADER =
  'commune_insee,site,name,kind,field_class,latitude,longitude,heading_deg,model,ip_address,mac_address,main_stream_url,sub_stream_url,onvif_url,username,password,purposes,commissioning_date,enabled';

test('the generated fleet gives each camera its loopback address and each site a PTZ', () => {
  const fleet = generateFleet({ count: 7, addressMode: 'per-camera-ip' });
  assert.deepEqual(fleet.map((camera) => camera.host).slice(0, 3), ['127.0.1.1', '127.0.1.2', '127.0.1.3']);
  assert.deepEqual(
    fleet.filter((_, index) => index % 3 === 0).map((camera) => camera.kind),
    ['ptz', 'ptz', 'ptz'],
  );
  assert.equal(new Set(fleet.map((camera) => camera.macAddress)).size, 7);
  assert.equal(generateFleet({ count: 300, addressMode: 'per-camera-ip' })[254]!.host, '127.0.2.1');
});

test('the inventory CSV has the import header and one valid row per camera', () => {
  const fleet = generateFleet({ count: 5, addressMode: 'per-camera-ip' });
  fleet[1]!.name = 'Place "du Marché", nord';
  const csv = inventoryCsv(fleet, { communes: ['38999', '38185'] });
  assert.equal(csv.split('\r\n')[0], HEADER);
  assert.equal(INVENTORY_COLUMNS.join(','), HEADER);
  const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
  assert.equal(rows.length, 5);
  assert.equal(rows[1]!.name, 'Place "du Marché", nord');
  assert.deepEqual(
    rows.map((row) => row.commune_insee),
    ['38999', '38999', '38999', '38185', '38185'],
  );
  for (const row of rows) {
    assert.match(row.main_stream_url!, /^rtsp:\/\/127\.0\.1\.\d+:8554\/cam\/cam-\d{3}\/main$/);
    assert.doesNotMatch(row.main_stream_url!, /@/);
    assert.match(row.commissioning_date!, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(row.purposes!, /^[a-z_]+(\|[a-z_]+)*$/);
    assert.ok(['narrow', 'wide'].includes(row.field_class!));
    assert.ok(Math.abs(Number(row.latitude) - 45.19) < 0.05 && Math.abs(Number(row.longitude) - 5.72) < 0.05);
  }
});

test('an inventory needs known ports', () => {
  assert.throws(() => inventoryCsv(generateFleet({ count: 1 })), /no fixed port/);
});

test('a fleet file fills what it leaves out and schedules its faults', () => {
  const file = fleetFileSchema.parse({
    cameras: [
      {
        id: 'mairie-1',
        name: 'Mairie parvis',
        kind: 'ptz',
        credentials: { username: 'op', password: 'x' },
        faults: [{ atSeconds: 30, durationSeconds: 10, fault: { kind: 'black' } }],
      },
      { id: 'gare-2', profiles: { main: { fps: 6 } }, faults: [{ kind: 'clock_skew', seconds: 90 }] },
    ],
  });
  const [mairie, gare] = fleetFromFile(file);
  assert.equal(mairie!.kind, 'ptz');
  assert.equal(mairie!.host, '127.0.1.1');
  assert.deepEqual(mairie!.credentials, { username: 'op', password: 'x' });
  assert.deepEqual(gare!.credentials, { username: 'admin', password: 'pass-gare-2' });
  assert.equal(gare!.profiles.main.fps, 6);
  assert.equal(gare!.profiles.main.width, 1280);
  assert.deepEqual(gare!.faults, [{ atSeconds: 0, fault: { kind: 'clock_skew', seconds: 90 } }]);
  assert.throws(() => fleetFileSchema.parse({ cameras: [{ id: 'x', host: '10.0.0.1' }] }));
});
