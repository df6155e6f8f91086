// The live ffmpeg command lines, as arrays (no IO): what each source pulls or reads, when it
// re-encodes (masks, transcode), where credentials go (the input URL only, redacted in logs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK_FILTER_GRAPH } from './ffmpeg-args.ts';
import { LIVE_MOVFLAGS, liveRemuxArgs, liveRtspArgs, stillJpegArgs } from './live-args.ts';

const output = ['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe+frag_every_frame', '-flush_packets', '1', 'pipe:1'];
const x264 = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-pix_fmt',
  'yuv420p',
  '-force_key_frames',
  'expr:gte(t,n_forced*1)',
  '-fps_mode',
  'passthrough',
];

describe('live ffmpeg arguments', () => {
  it("main stream: the recorder's MPEG-TS on stdin, no probing (the cached GOP starts at once), copied to one fragment per picture", () => {
    assert.equal(LIVE_MOVFLAGS, 'empty_moov+default_base_moof+frag_keyframe+frag_every_frame');
    assert.deepEqual(liveRemuxArgs(), [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-f',
      'mpegts',
      '-i',
      'pipe:0',
      '-map',
      '0:v:0',
      '-an',
      '-c:v',
      'copy',
      ...output,
    ]);
    assert.ok(!liveRemuxArgs().includes('nobuffer'), 'nobuffer would drop the cached keyframe');
  });

  it('transcode: slice-threaded decoding (no frame held) and x264 ultrafast zerolatency, keyframe every second, no frame invented', () => {
    assert.deepEqual(liveRemuxArgs({ transcodeToH264: true }), [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-thread_type',
      'slice',
      '-f',
      'mpegts',
      '-i',
      'pipe:0',
      '-map',
      '0:v:0',
      '-an',
      ...x264,
      ...output,
    ]);
    assert.ok(liveRemuxArgs({ transcodeToH264: true, gopSeconds: 2 }).includes('expr:gte(t,n_forced*2)'));
    assert.throws(() => liveRemuxArgs({ transcodeToH264: true, gopSeconds: 0.1 }), /outside 0.5-10 s/);
  });

  it('sub-stream: one RTSP pull over TCP, copied; without credentials the URL is the input as it is', () => {
    const { args, privateFile } = liveRtspArgs({ rtspUrl: 'rtsp://127.0.0.1:8554/cam/x/sub' });
    assert.equal(privateFile, undefined);
    assert.deepEqual(args, [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '10000000',
      '-i',
      'rtsp://127.0.0.1:8554/cam/x/sub',
      '-map',
      '0:v:0',
      '-an',
      '-c:v',
      'copy',
      ...output,
    ]);
  });

  it('sub-stream with credentials (issue 12): the password is in no argument, only in the private concat file', () => {
    const { args, privateFile } = liveRtspArgs({
      rtspUrl: 'rtsp://127.0.0.1:8554/cam/x/sub',
      credentials: { username: 'admin', password: "p@ss:w/rd'" },
      privateFilePath: '/var/lib/vigie/live-inputs/x.copy.sub.ffconcat',
    });
    assert.deepEqual(args.slice(0, args.indexOf('-map')), [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-f',
      'concat',
      '-safe',
      '0',
      '-protocol_whitelist',
      'file,rtsp,rtsps,tcp,udp,rtp,tls,crypto',
      '-i',
      '/var/lib/vigie/live-inputs/x.copy.sub.ffconcat',
    ]);
    assert.ok(!args.some((arg) => arg.includes('p%40ss') || arg.includes('admin')), args.join(' '));
    assert.equal(privateFile?.path, '/var/lib/vigie/live-inputs/x.copy.sub.ffconcat');
    assert.equal(
      privateFile?.content,
      [
        'ffconcat version 1.0',
        "file 'rtsp://admin:p%40ss%3Aw%2Frd'\\''@127.0.0.1:8554/cam/x/sub'",
        'option probesize 32',
        'option analyzeduration 0',
        'option rtsp_transport tcp',
        'option timeout 10000000',
        '',
      ].join('\n'),
    );
    assert.throws(() => liveRtspArgs({ rtspUrl: 'rtsp://127.0.0.1/sub', credentials: { username: 'a', password: 'b' } }), /private input file/);
  });

  it("masked sub-stream (LEGAL 4): the mask image looped as a second input, the recorder's overlay, re-encoded", () => {
    const { args } = liveRtspArgs({ rtspUrl: 'rtsp://127.0.0.1:8554/cam/x/sub', maskImagePath: '/data/masks/cam x.mask.png', socketTimeoutSeconds: 3 });
    assert.deepEqual(args, [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-thread_type',
      'slice',
      '-thread_queue_size',
      '1024',
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '3000000',
      '-i',
      'rtsp://127.0.0.1:8554/cam/x/sub',
      '-f',
      'image2',
      '-pattern_type',
      'none',
      '-loop',
      '1',
      '-framerate',
      '1',
      '-i',
      '/data/masks/cam x.mask.png',
      '-filter_complex',
      MASK_FILTER_GRAPH,
      '-map',
      '[masked]',
      '-an',
      ...x264,
      ...output,
    ]);
    assert.ok(!args.includes('0:v:0'), 'the unmasked picture is never mapped');
    assert.throws(() => liveRtspArgs({ rtspUrl: 'rtsp://127.0.0.1/sub', maskImagePath: '' }), /mask image path missing/);
  });

  it('transcoded sub-stream without mask: decoded and re-encoded, no overlay', () => {
    const { args } = liveRtspArgs({ rtspUrl: 'rtsp://127.0.0.1/sub', transcodeToH264: true });
    assert.ok(!args.includes('-filter_complex'));
    assert.deepEqual(args.slice(args.indexOf('-map')), ['-map', '0:v:0', '-an', ...x264, ...output]);
  });

  it('still: the last decoded picture of the cached GOP, overwritten into one JPEG file', () => {
    assert.deepEqual(stillJpegArgs('/tmp/gop.ts', '/tmp/still.jpg'), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-f',
      'mpegts',
      '-i',
      '/tmp/gop.ts',
      '-map',
      '0:v:0',
      '-an',
      '-update',
      '1',
      '-q:v',
      '3',
      '-f',
      'image2',
      '-y',
      '/tmp/still.jpg',
    ]);
  });
});
