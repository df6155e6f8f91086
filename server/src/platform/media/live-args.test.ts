// The live ffmpeg command lines, as arrays (no IO): what each source reads (always stdin: no
// live ffmpeg opens a camera), when it re-encodes (masks, transcode).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK_FILTER_GRAPH } from './ffmpeg-args.ts';
import { LIVE_MOVFLAGS, liveRemuxArgs, stillJpegArgs } from './live-args.ts';

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

  it("masked sub-stream (LEGAL 4): the ingest's fragmented MP4 on stdin, the mask image looped as a second input, the recorder's overlay, re-encoded", () => {
    const args = liveRemuxArgs({ inputFormat: 'mp4', maskImagePath: '/data/masks/cam x.mask.png' });
    assert.deepEqual(args, [
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
      '-thread_queue_size',
      '1024',
      '-f',
      'mp4',
      '-i',
      'pipe:0',
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
    assert.ok(!args.some((arg) => /rtsps?:|ffconcat/.test(arg)), 'ffmpeg opens no camera');
    assert.deepEqual(
      liveRemuxArgs({ inputFormat: 'mp4', maskImagePath: '/m.png', transcodeToH264: true }),
      liveRemuxArgs({ inputFormat: 'mp4', maskImagePath: '/m.png' }),
    );
    assert.throws(() => liveRemuxArgs({ inputFormat: 'mp4', maskImagePath: '' }), /mask image path missing/);
  });

  it('transcoded sub-stream without mask: the fragmented MP4 decoded and re-encoded, no overlay', () => {
    const args = liveRemuxArgs({ inputFormat: 'mp4', transcodeToH264: true });
    assert.ok(!args.includes('-filter_complex') && !args.includes('-thread_queue_size'));
    assert.deepEqual(args.slice(args.indexOf('-f'), args.indexOf('-map')), ['-f', 'mp4', '-i', 'pipe:0']);
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
