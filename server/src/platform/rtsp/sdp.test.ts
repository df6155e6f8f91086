// SDP of DESCRIBE: video tracks, codecs, parameter sets, control URLs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSdp, resolveControl } from './sdp.ts';

const h264 = [
  'v=0',
  'o=- 1 1 IN IP4 192.168.1.64',
  's=Media Presentation',
  't=0 0',
  'a=control:*',
  'm=audio 0 RTP/AVP 0',
  'a=control:trackID=2',
  'm=video 0 RTP/AVP 96',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z0IAH5WoFAFuQA==,aM48gA==',
  'a=control:trackID=1',
  '',
].join('\r\n');

const h265 = [
  'v=0',
  'o=- 2 1 IN IP4 10.0.0.5',
  's=cam',
  't=0 0',
  'm=video 0 RTP/AVP 98',
  'a=rtpmap:98 H265/90000',
  'a=fmtp:98 sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwA/ugJA; sprop-sps=QgEBAWAAAAMAkAAAAwAAAwA/oAUCAXHy5bpKTC8BAQAAAwABAAADAA8I; sprop-pps=RAHAc8GJ',
  'a=control:rtsp://10.0.0.5:554/live/ch0/track1',
  '',
].join('\n');

describe('parseSdp', () => {
  it('reads an H.264 video track after an audio one, with its parameter sets and a relative control', () => {
    const description = parseSdp(h264, 'rtsp://192.168.1.64/Streaming/Channels/101/');
    assert.equal(description.control, 'rtsp://192.168.1.64/Streaming/Channels/101/');
    assert.equal(description.videoTracks.length, 1);
    const [track] = description.videoTracks;
    assert.equal(track?.codec, 'h264');
    assert.equal(track?.clockRate, 90000);
    assert.equal(track?.payloadType, 96);
    assert.equal(track?.control, 'rtsp://192.168.1.64/Streaming/Channels/101/trackID=1');
    assert.deepEqual(track?.parameterSets.sps, [Buffer.from('Z0IAH5WoFAFuQA==', 'base64')]);
    assert.deepEqual(track?.parameterSets.pps, [Buffer.from('aM48gA==', 'base64')]);
    assert.equal(track?.parameterSets.vps, undefined);
  });

  it('reads an H.265 track with sprop-vps/sps/pps and an absolute control (LF line ends)', () => {
    const description = parseSdp(h265, 'rtsp://10.0.0.5:554/live/ch0');
    const [track] = description.videoTracks;
    assert.equal(track?.codec, 'h265');
    assert.equal(track?.payloadType, 98);
    assert.equal(track?.control, 'rtsp://10.0.0.5:554/live/ch0/track1');
    assert.equal(description.control, 'rtsp://10.0.0.5:554/live/ch0', 'no session control: the base');
    assert.equal((track!.parameterSets.vps![0]! >> 1) & 0x3f, 32);
    assert.equal((track!.parameterSets.sps![0]![0]! >> 1) & 0x3f, 33);
    assert.equal((track!.parameterSets.pps![0]![0]! >> 1) & 0x3f, 34);
  });

  it('appends relative controls to a base without trailing slash, keeps absolute ones, and "*" is the base', () => {
    assert.equal(resolveControl('trackID=0', 'rtsp://cam/stream'), 'rtsp://cam/stream/trackID=0');
    assert.equal(resolveControl('trackID=0', 'rtsp://cam/stream/'), 'rtsp://cam/stream/trackID=0');
    assert.equal(resolveControl('RTSPS://other/x', 'rtsp://cam/stream/'), 'RTSPS://other/x');
    assert.equal(resolveControl('*', 'rtsp://cam/stream/'), 'rtsp://cam/stream/');
    assert.equal(resolveControl(undefined, 'rtsp://cam/stream'), 'rtsp://cam/stream');
  });

  it('uses an absolute session-level control for aggregate requests', () => {
    const text = h264.replace('a=control:*', 'a=control:rtsp://192.168.1.64/agg');
    assert.equal(parseSdp(text, 'rtsp://192.168.1.64/base/').control, 'rtsp://192.168.1.64/agg');
  });

  it('lists unsupported video codecs and refuses what is not an SDP', () => {
    const mjpeg = 'v=0\r\nm=video 0 RTP/AVP 26 97\r\na=rtpmap:97 VP8/90000\r\n';
    const description = parseSdp(mjpeg, 'rtsp://cam/');
    assert.deepEqual(description.videoTracks, []);
    assert.deepEqual(description.unsupportedVideo, ['payload type 26', 'VP8']);
    assert.throws(() => parseSdp('<html>', 'rtsp://cam/'), { code: 'rtsp_bad_response' });
  });
});
