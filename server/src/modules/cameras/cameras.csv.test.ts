// The inventory CSV without IO: header rules, every line error with its physical line number,
// separators, BOM, credentials moved out of URLs, and export/parse round trip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { camerasToCsv, detectDelimiter, exportColumns, parseCameraCsv, requiredImportColumns } from './cameras.csv.ts';
import { cameraView } from './cameras.rows.ts';
import type { CameraRow } from '../../platform/db/schema.ts';

const header = [...requiredImportColumns, 'username', 'password', 'retention_days'].join(',');
const good = (name: string, overrides: Partial<Record<string, string>> = {}) => {
  const values: Record<string, string> = {
    commune_insee: '38185',
    site: 'Gare',
    name,
    kind: 'ptz',
    field_class: 'narrow',
    latitude: '45.188529',
    longitude: '5.724524',
    heading_deg: '90',
    model: 'Axis Q6135',
    ip_address: '10.0.0.1',
    mac_address: 'ac:cc:8e:01:02:03',
    main_stream_url: 'rtsp://10.0.0.1/main',
    sub_stream_url: '',
    onvif_url: 'http://10.0.0.1/onvif/device_service',
    purposes: 'people_property_safety|public_buildings',
    commissioning_date: '2024-05-02',
    enabled: 'true',
    username: '',
    password: '',
    retention_days: '',
    ...overrides,
  };
  return [...requiredImportColumns, 'username', 'password', 'retention_days'].map((column) => values[column] ?? '').join(',');
};
const file = (...lines: string[]) => `${[header, ...lines].join('\n')}\n`;

describe('camera CSV import parsing', () => {
  it('parses a valid line, normalises the MAC address and sorts purposes', () => {
    const { rows, errors } = parseCameraCsv(file(good('Gare 1')));
    assert.deepEqual(errors, []);
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row.line, 2);
    assert.equal(row.macAddress, 'AC:CC:8E:01:02:03');
    assert.deepEqual(row.purposes, ['people_property_safety', 'public_buildings']);
    assert.equal(row.latitude, 45.188529);
    assert.equal(row.subStreamUrl, null);
    assert.equal(row.credentials, null);
    assert.equal(row.retentionDays, null);
    assert.equal(row.enabled, true);
  });

  it('reports every bad line with its physical number, column and code', () => {
    const text = file(
      good('ok-1'),
      good('bad-ip', { ip_address: '300.1.1.1' }),
      '',
      good('bad-mac', { mac_address: 'zz:00' }),
      good('bad-url', { main_stream_url: 'http://user:secret@10.0.0.9/x' }),
      good('bad-lat', { latitude: '91' }),
      good('bad-kind', { kind: 'drone' }),
      good('bad-purpose', { purposes: 'spying' }),
      good('bad-date', { commissioning_date: '2024-02-30' }),
      good('bad-enabled', { enabled: 'maybe' }),
      good('', {}),
      good('retention', { retention_days: '31' }),
      good('ok-1'),
      'too,few,fields',
      good('half-position', { longitude: '' }),
      good('pw-only', { password: 'x' }),
      good('bad-onvif', { onvif_url: 'rtsp://10.0.0.1/' }),
      good('bad-heading', { heading_deg: '361' }),
      good('=formula'),
    );
    const { errors } = parseCameraCsv(text);
    const summary = errors.map((error) => `${error.line}:${error.column ?? '-'}:${error.code}`);
    assert.deepEqual(summary, [
      '3:ip_address:invalid_value',
      '5:mac_address:invalid_value',
      '6:main_stream_url:invalid_value',
      '7:latitude:invalid_value',
      '8:kind:invalid_value',
      '9:purposes:invalid_value',
      '10:commissioning_date:invalid_value',
      '11:enabled:invalid_value',
      '12:name:missing_value',
      '13:retention_days:retention_out_of_bounds',
      '14:name:duplicate_name',
      '15:-:column_count',
      '16:longitude:position_incomplete',
      '17:username:credentials_incomplete',
      '18:onvif_url:invalid_value',
      '19:heading_deg:invalid_value',
      '20:name:invalid_value',
    ]);
    for (const error of errors) {
      assert.ok(error.message_fr.length > 10 && error.message_en.length > 10);
    }
    const urlError = errors.find((error) => error.column === 'main_stream_url')!;
    assert.ok(!urlError.message_fr.includes('secret') && !urlError.message_en.includes('secret'), 'credentials never echoed');
    assert.match(errors.find((error) => error.code === 'duplicate_name')!.message_en, /line 2/);
    assert.match(errors.find((error) => error.column === 'ip_address')!.message_fr, /IPv4 ou IPv6/);
  });

  it('counts lines from the start of a record whose quoted cell spans several lines', () => {
    const text = file(good('multi').replace('Axis Q6135', '"Axis\nQ6135"'), good('after', { ip_address: 'nope' }));
    const { errors } = parseCameraCsv(text);
    // The model refuses the line break (control character) on line 2; the next record starts on line 4.
    assert.deepEqual(
      errors.map((error) => `${error.line}:${error.column}`),
      ['2:model', '4:ip_address'],
    );
  });

  it('refuses unknown, missing and duplicated header columns on line 1', () => {
    const { rows, errors } = parseCameraCsv('commune_insee,site,name,colour,name\n38185,Gare,C1,red,C1\n');
    assert.equal(rows.length, 0);
    assert.ok(errors.every((error) => error.line === 1));
    assert.ok(errors.some((error) => error.code === 'unknown_column' && error.column === 'colour'));
    assert.ok(errors.some((error) => error.code === 'duplicate_column' && error.column === 'name'));
    assert.ok(errors.some((error) => error.code === 'missing_column' && error.column === 'main_stream_url'));
  });

  it('reports an empty file and broken CSV syntax', () => {
    assert.equal(parseCameraCsv('').errors[0]?.code, 'empty_file');
    assert.equal(parseCameraCsv(`${header}\n`).errors[0]?.code, 'empty_file');
    const broken = parseCameraCsv(file(good('a'), good('b').replace('Gare', '"Gare')));
    assert.equal(broken.errors[0]?.code, 'csv_syntax');
    assert.equal(broken.errors[0]?.line, 3);
  });

  it("refuses a file that is not UTF-8 (Excel's Windows-1252 CSV), naming the line", () => {
    const latin1 = Buffer.from(file(good('a'), good('b', { site: 'Marché' })), 'latin1');
    const { rows, errors } = parseCameraCsv(latin1.toString('utf8'));
    assert.equal(rows.length, 0);
    assert.deepEqual(
      errors.map((error) => `${error.line}:${error.code}`),
      ['3:not_utf8'],
    );
  });

  it('ignores unnamed columns left by trailing separators', () => {
    const text = [`${header},`, `${good('a')},`].join('\n');
    assert.deepEqual(parseCameraCsv(text).errors, []);
  });

  it('accepts a BOM, the ; separator, French decimals and dates, and columns in any order', () => {
    const columns = [...requiredImportColumns].reverse();
    const values: Record<string, string> = {
      commune_insee: '38185',
      site: 'Marché',
      name: 'Marché 1',
      kind: 'FIXED',
      field_class: 'wide',
      latitude: '45,1885',
      longitude: '5,7245',
      heading_deg: '',
      model: '',
      ip_address: 'fe80::1',
      mac_address: 'AC-CC-8E-01-02-03',
      main_stream_url: 'rtsp://10.0.0.2/main',
      sub_stream_url: '',
      onvif_url: '',
      purposes: '',
      commissioning_date: '02/05/2024',
      enabled: 'non',
    };
    const text = `\uFEFF${columns.join(';')}\r\n${columns.map((column) => values[column]).join(';')}\r\n`;
    assert.equal(detectDelimiter(text), ';');
    const { rows, errors } = parseCameraCsv(text);
    assert.deepEqual(errors, []);
    const row = rows[0]!;
    assert.equal(row.kind, 'fixed');
    assert.equal(row.latitude, 45.1885);
    assert.equal(row.commissioningDate, '2024-05-02');
    assert.equal(row.enabled, false);
    assert.equal(row.macAddress, 'AC:CC:8E:01:02:03');
    assert.equal(row.model, null);
    assert.equal(row.retentionDays, undefined, 'no retention_days column: keep the current value');
    assert.equal(row.recordingEngine, undefined, 'no recording_engine column: keep the current engine');
    assert.equal(row.rtspTransport, undefined, 'no rtsp_transport column: keep the current transport');
    assert.deepEqual(row.purposes, []);
  });

  it('reads the optional recording_engine column: native or ffmpeg, an empty cell keeps the current engine, anything else is refused', () => {
    const withEngine = (name: string, engine: string) => `${good(name)},${engine}`;
    const text = [`${header},recording_engine`, withEngine('n', 'native'), withEngine('f', 'FFmpeg'), withEngine('e', ''), withEngine('x', 'gstreamer')].join(
      '\n',
    );
    const { rows, errors } = parseCameraCsv(text);
    assert.deepEqual(
      rows.map((row) => `${row.name}:${row.recordingEngine}`),
      ['n:native', 'f:ffmpeg', 'e:undefined'],
    );
    assert.deepEqual(
      errors.map((error) => `${error.line}:${error.column}:${error.code}`),
      ['5:recording_engine:invalid_value'],
    );
    assert.equal(
      errors[0]!.message_fr,
      'Colonne recording_engine : valeur « gstreamer » invalide (attendu : native (moteur natif, par défaut) ou ffmpeg (secours)).',
    );
    assert.equal(
      errors[0]!.message_en,
      'Column recording_engine: invalid value "gstreamer" (expected: native (native engine, the default) or ffmpeg (fallback)).',
    );
  });

  it('reads the optional rtsp_transport column: tcp, udp or auto, an empty cell keeps the current transport, anything else is refused', () => {
    const withTransport = (name: string, transport: string) => `${good(name)},${transport}`;
    const text = [
      `${header},rtsp_transport`,
      withTransport('t', 'tcp'),
      withTransport('u', 'UDP'),
      withTransport('a', 'auto'),
      withTransport('e', ''),
      withTransport('x', 'http'),
    ].join('\n');
    const { rows, errors } = parseCameraCsv(text);
    assert.deepEqual(
      rows.map((row) => `${row.name}:${row.rtspTransport}`),
      ['t:tcp', 'u:udp', 'a:auto', 'e:undefined'],
    );
    assert.deepEqual(
      errors.map((error) => `${error.line}:${error.column}:${error.code}`),
      ['6:rtsp_transport:invalid_value'],
    );
    assert.equal(
      errors[0]!.message_fr,
      'Colonne rtsp_transport : valeur « http » invalide (attendu : tcp (par défaut), udp ou auto (UDP, puis TCP si UDP ne passe pas)).',
    );
    assert.equal(
      errors[0]!.message_en,
      'Column rtsp_transport: invalid value "http" (expected: tcp (the default), udp or auto (UDP, then TCP if UDP does not get through)).',
    );
  });

  it('moves user-info out of the URLs into the credentials; explicit columns win', () => {
    const fromUrl = parseCameraCsv(file(good('u', { main_stream_url: 'rtsp://admin:s%40cret@10.0.0.1:554/main' }))).rows[0]!;
    assert.equal(fromUrl.mainStreamUrl, 'rtsp://10.0.0.1:554/main');
    assert.deepEqual(fromUrl.credentials, { username: 'admin', password: 's@cret' });
    const explicit = parseCameraCsv(file(good('e', { main_stream_url: 'rtsp://admin:old@10.0.0.1/main', username: 'viewer', password: 'new' }))).rows[0]!;
    assert.equal(explicit.mainStreamUrl, 'rtsp://10.0.0.1/main');
    assert.deepEqual(explicit.credentials, { username: 'viewer', password: 'new' });
  });

  it('accepts the export-only columns and ignores them', () => {
    const columns = [...exportColumns];
    const values: Record<string, string> = {
      status: 'OK',
      state: 'recording',
      authorisations: 'AP-1',
      id: 'whatever',
      commune_insee: '38185',
      site: 'Gare',
      name: 'C',
      kind: 'ptz',
      field_class: 'wide',
      main_stream_url: 'rtsp://h/x',
      enabled: 'true',
    };
    const { rows, errors } = parseCameraCsv(`${columns.join(',')}\n${columns.map((column) => values[column] ?? '').join(',')}\n`);
    assert.deepEqual(errors, []);
    assert.equal(rows[0]?.name, 'C');
  });
});

describe('camera CSV export', () => {
  const row: CameraRow = {
    id: 'cam-1',
    commune_insee: '38185',
    site_id: 's1',
    name: 'Gare, quai "A"',
    kind: 'ptz',
    field_class: 'narrow',
    latitude: 45.188529,
    longitude: -1.553621,
    heading_deg: 12.5,
    model: 'Axis',
    ip_address: '10.0.0.1',
    mac_address: 'AC:CC:8E:01:02:03',
    main_stream_url: 'rtsp://10.0.0.1/main',
    sub_stream_url: null,
    onvif_url: null,
    credentials_sealed: 'v1:sealed',
    purposes: JSON.stringify(['public_buildings', 'traffic_regulation']),
    commissioning_date: '2024-05-02',
    enabled: 1,
    operational_state: 'failed',
    retention_days: 14,
    recording_engine: 'ffmpeg',
    rtsp_transport: 'auto',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  const coverage = { authorised: true, authorisationIds: ['a'], references: ['AP-1', 'AP-2'], purposes: [], recipients: [] };

  it('starts with the VMS status-list columns, never holds credentials, and parses back to the same values', () => {
    const csv = camerasToCsv([cameraView(row, 'Gare', coverage)]);
    assert.ok(csv.startsWith('\uFEFFstatus,model,ip_address,mac_address,commune_insee,'));
    assert.ok(!/username|password|sealed/.test(csv));
    assert.match(csv, /^fault,Axis,10\.0\.0\.1,AC:CC:8E:01:02:03,/m);
    assert.match(csv, /,failed,AP-1\|AP-2,cam-1$/m);
    const { rows, errors } = parseCameraCsv(csv);
    assert.deepEqual(errors, []);
    const parsed = rows[0]!;
    assert.equal(parsed.name, row.name);
    assert.equal(parsed.longitude, row.longitude);
    assert.equal(parsed.headingDeg, 12.5);
    assert.equal(parsed.retentionDays, 14);
    assert.equal(parsed.recordingEngine, 'ffmpeg');
    assert.equal(parsed.rtspTransport, 'auto');
    assert.deepEqual(parsed.purposes, ['public_buildings', 'traffic_regulation']);
    assert.equal(parsed.credentials, null);
  });

  it('writes ; on request for French spreadsheets', () => {
    const csv = camerasToCsv([cameraView(row, 'Gare', coverage)], ';');
    assert.equal(detectDelimiter(csv), ';');
    assert.deepEqual(parseCameraCsv(csv).errors, []);
  });
});
