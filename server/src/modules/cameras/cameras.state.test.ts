// Effective state and VMS status, without IO (LEGAL 1: an uncovered camera is `unauthorised`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cameraFieldSchemas, cameraCreateSchema, cameraUpdateSchema } from './cameras.schemas.ts';
import { effectiveState, vmsStatusOf } from './cameras.state.ts';

describe('camera effective state', () => {
  it('disabled wins over everything, then unauthorised, then the recorder state', () => {
    assert.equal(effectiveState({ enabled: false, authorised: true, operationalState: 'recording' }), 'disabled');
    assert.equal(effectiveState({ enabled: false, authorised: false, operationalState: 'recording' }), 'disabled');
    assert.equal(effectiveState({ enabled: true, authorised: false, operationalState: 'recording' }), 'unauthorised');
    assert.equal(effectiveState({ enabled: true, authorised: true, operationalState: 'unknown' }), 'unknown');
    assert.equal(effectiveState({ enabled: true, authorised: true, operationalState: 'reconnecting' }), 'reconnecting');
  });

  it('maps states to the VMS status list', () => {
    assert.equal(vmsStatusOf('recording'), 'OK');
    assert.equal(vmsStatusOf('unknown'), 'OK');
    assert.equal(vmsStatusOf('starting'), 'OK');
    assert.equal(vmsStatusOf('reconnecting'), 'fault');
    assert.equal(vmsStatusOf('failed'), 'fault');
    assert.equal(vmsStatusOf('disabled'), 'disabled');
    assert.equal(vmsStatusOf('unauthorised'), 'unauthorised');
  });
});

describe('camera field validation', () => {
  it('accepts IPv4 and IPv6, refuses the rest', () => {
    for (const ip of ['10.0.0.1', '192.168.1.254', 'fe80::1', '2001:db8::8a2e:370:7334']) assert.ok(cameraFieldSchemas.ipAddress.safeParse(ip).success, ip);
    for (const ip of ['300.1.1.1', '10.0.0', 'camera.local', '']) assert.ok(!cameraFieldSchemas.ipAddress.safeParse(ip).success, ip);
  });

  it('normalises MAC addresses to upper case with colons', () => {
    assert.equal(cameraFieldSchemas.macAddress.parse('ac:cc:8e:01:02:0f'), 'AC:CC:8E:01:02:0F');
    assert.equal(cameraFieldSchemas.macAddress.parse('AC-CC-8E-01-02-0F'), 'AC:CC:8E:01:02:0F');
    assert.equal(cameraFieldSchemas.macAddress.parse('acc c8e01020f'.replace(' ', '')), 'AC:CC:8E:01:02:0F');
    assert.ok(!cameraFieldSchemas.macAddress.safeParse('AC:CC:8E-01:02:0F').success, 'mixed separators');
    assert.ok(!cameraFieldSchemas.macAddress.safeParse('AC:CC:8E:01:02').success);
  });

  it('accepts only rtsp(s) stream URLs and http(s) ONVIF URLs', () => {
    assert.ok(cameraFieldSchemas.streamUrl.safeParse('rtsps://cam.example/stream').success);
    assert.ok(!cameraFieldSchemas.streamUrl.safeParse('http://cam/stream').success);
    assert.ok(!cameraFieldSchemas.streamUrl.safeParse('rtsp://').success);
    assert.ok(cameraFieldSchemas.onvifUrl.safeParse('https://10.0.0.1/onvif/device_service').success);
    assert.ok(!cameraFieldSchemas.onvifUrl.safeParse('ftp://10.0.0.1/').success);
  });

  it('bounds coordinates and heading, and refuses spreadsheet formulas in names', () => {
    const base = { siteId: 's', name: 'C1', kind: 'fixed', fieldClass: 'wide', mainStreamUrl: 'rtsp://h/x' };
    assert.ok(cameraCreateSchema.safeParse(base).success);
    assert.ok(!cameraCreateSchema.safeParse({ ...base, latitude: 90.1, longitude: 0 }).success);
    assert.ok(!cameraCreateSchema.safeParse({ ...base, latitude: 0, longitude: -180.5 }).success);
    assert.ok(!cameraCreateSchema.safeParse({ ...base, headingDeg: -1 }).success);
    assert.ok(!cameraCreateSchema.safeParse({ ...base, name: '=HYPERLINK("x")' }).success);
    assert.ok(!cameraCreateSchema.safeParse({ ...base, purposes: ['spying'] }).success);
  });

  it('an update keeps absent fields absent (no defaults slip in)', () => {
    assert.deepEqual(cameraUpdateSchema.parse({ name: 'Nouveau' }), { name: 'Nouveau' });
  });
});
