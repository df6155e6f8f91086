import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSdp, h264ProfileLevelId } from './sdp.ts';

test('the SDP announces H.264 with profile-level-id and parameter sets', () => {
  const sps = Buffer.from([0x67, 0x42, 0xc0, 0x1f, 0x8c]);
  const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
  assert.equal(h264ProfileLevelId(sps), '42C01F');
  const sdp = buildSdp({
    codec: 'h264',
    parameterSets: { sps, pps },
    sessionName: 'cam',
    serverAddress: '127.0.0.1',
    sessionId: 1,
    width: 1280,
    height: 720,
    fps: 12,
  });
  assert.match(sdp, /^v=0\r\n/);
  assert.match(sdp, /m=video 0 RTP\/AVP 96\r\n/);
  assert.match(sdp, /a=rtpmap:96 H264\/90000\r\n/);
  assert.match(
    sdp,
    new RegExp(`a=fmtp:96 packetization-mode=1;profile-level-id=42C01F;sprop-parameter-sets=${sps.toString('base64')},${pps.toString('base64')}\\r\\n`),
  );
  assert.match(sdp, /a=control:trackID=0\r\n$/);
});

test('the SDP announces H.265 with its three parameter sets', () => {
  const sdp = buildSdp({
    codec: 'h265',
    parameterSets: { vps: Buffer.from([0x40, 1]), sps: Buffer.from([0x42, 1]), pps: Buffer.from([0x44, 1]) },
    sessionName: 'cam',
    serverAddress: '127.0.0.1',
    sessionId: 1,
    width: 640,
    height: 360,
    fps: 12,
  });
  assert.match(sdp, /a=rtpmap:96 H265\/90000/);
  assert.match(sdp, /a=fmtp:96 sprop-vps=QAE=;sprop-sps=QgE=;sprop-pps=RAE=/);
});
