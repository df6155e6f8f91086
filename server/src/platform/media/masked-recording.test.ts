// The ffmpeg command of a camera with a server-side privacy mask, tested as an array: mask as
// a second input, one encode, the tee muxer feeding the same segment archive as the copy path
// plus live TS; its escaping read back with a port of ffmpeg's own tokenizer (av_get_token);
// the copy path unchanged without a mask; the one-frame gray grab of the mask check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeFfmpegToken, grabGrayFrameArgs, MASK_FILTER_GRAPH, recordingCommand, teeSlave } from './ffmpeg-args.ts';

const base = { rtspUrl: 'rtsp://127.0.1.1:8554/cam-001/main', segmentSeconds: 60, incomingDir: '/srv/vol1/21038/cam-001/.incoming', runTag: 'r1a2b' };
const mask = { imagePath: '/var/lib/vigie/masks/cam-001.mask.png' };

/** libavutil's av_get_token: reads up to a terminator, `\` escapes one character, '...' quotes. */
function avGetToken(text: string, start: number, terminators: string): { token: string; next: number } {
  const whitespace = ' \n\t\r';
  let index = start;
  while (index < text.length && whitespace.includes(text[index]!)) index++;
  let out = '';
  let kept = 0;
  while (index < text.length && !terminators.includes(text[index]!)) {
    const character = text[index++]!;
    if (character === '\\' && index < text.length) {
      out += text[index++]!;
      kept = out.length;
    } else if (character === "'") {
      while (index < text.length && text[index] !== "'") out += text[index++]!;
      if (index < text.length) {
        index++;
        kept = out.length;
      }
    } else {
      out += character;
      if (!whitespace.includes(character)) kept = out.length;
    }
  }
  return { token: out.slice(0, Math.max(kept, out.trimEnd().length)), next: index };
}

/** What libavformat/tee.c makes of its target: per output, its options and file name. */
function parseTee(spec: string): Array<{ options: Record<string, string>; target: string }> {
  const outputs: Array<{ options: Record<string, string>; target: string }> = [];
  let position = 0;
  while (position < spec.length) {
    const { token: slave, next } = avGetToken(spec, position, '|');
    position = next + 1;
    const options: Record<string, string> = {};
    let cursor = 0;
    if (slave.startsWith('[')) {
      cursor = 1;
      while (slave[cursor] !== ']') {
        const key = /^[A-Za-z0-9_./-]+/.exec(slave.slice(cursor))![0];
        assert.equal(slave[cursor + key.length], '=', `option ${key} has a value`);
        const value = avGetToken(slave, cursor + key.length + 1, ':]');
        options[key] = value.token;
        cursor = slave[value.next] === ']' ? value.next : value.next + 1;
      }
      cursor += 1;
    }
    outputs.push({ options, target: slave.slice(cursor) });
  }
  return outputs;
}

/** The copy path's segment muxer options, as `-key value` pairs between `-f segment` and the file pattern. */
function copyPathSegmentOptions(): Record<string, string> {
  const { args } = recordingCommand(base);
  const start = args.indexOf('segment') + 1;
  const end = args.findIndex((arg) => arg.endsWith('.mp4'));
  const options: Record<string, string> = { f: 'segment' };
  for (let index = start; index < end; index += 2) options[args[index]!.slice(1)] = args[index + 1]!;
  return options;
}

describe('recording command with a server-side privacy mask', () => {
  it('overlays the mask as a second input, encodes once and tees the archive and the live TS', () => {
    const { args, env } = recordingCommand({ ...base, credentials: { username: 'admin', password: 'secret' }, mask });
    assert.deepEqual(env, { TZ: 'UTC' });
    const teeSpec = args.at(-1)!;
    assert.deepEqual(args.slice(0, -1), [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-thread_queue_size',
      '1024',
      '-f',
      'concat',
      '-safe',
      '0',
      '-protocol_whitelist',
      'file,rtsp,rtsps,tcp,udp,rtp,tls,crypto',
      '-i',
      '/srv/vol1/21038/cam-001/.incoming/r1a2b.input.ffconcat',
      '-f',
      'image2',
      '-pattern_type',
      'none',
      '-loop',
      '1',
      '-framerate',
      '1',
      '-i',
      mask.imagePath,
      '-filter_complex',
      MASK_FILTER_GRAPH,
      '-map',
      '[masked]',
      '-an',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-pix_fmt',
      'yuv420p',
      '-force_key_frames',
      'expr:gte(t,n_forced*1)',
      '-fps_mode',
      'passthrough',
      '-enc_time_base',
      '1/90000',
      '-flags',
      '+global_header',
      '-f',
      'tee',
    ]);
    assert.equal(
      MASK_FILTER_GRAPH,
      '[1:v:0][0:v:0]scale2ref=w=iw:h=ih:flags=neighbor[mask][picture];[picture][mask]overlay=format=auto:shortest=1,format=yuv420p[masked]',
    );
    assert.equal(args.filter((arg) => arg === '-c:v').length, 1, 'one encoder for both outputs');
    assert.ok(!args.includes('copy'), 'the unmasked stream is never copied anywhere');

    const outputs = parseTee(teeSpec);
    assert.equal(outputs.length, 2);
    assert.deepEqual(outputs[0]!.options, copyPathSegmentOptions(), 'the archive is cut exactly as in the copy path');
    assert.equal(outputs[0]!.target, '/srv/vol1/21038/cam-001/.incoming/r1a2b-%Y%m%dT%H%M%SZ.mp4');
    assert.deepEqual(outputs[1], {
      options: { f: 'mpegts', mpegts_flags: '+resend_headers', omit_video_pes_length: '0', flush_packets: '1' },
      target: 'pipe:1',
    });
  });

  it('takes the keyframe interval, leaves out the live output on request, and refuses nonsense', () => {
    const { args } = recordingCommand({ ...base, liveOutput: false, mask: { ...mask, gopSeconds: 2 } });
    assert.equal(args[args.indexOf('-force_key_frames') + 1], 'expr:gte(t,n_forced*2)');
    assert.equal(parseTee(args.at(-1)!).length, 1);
    assert.throws(() => recordingCommand({ ...base, mask: { ...mask, gopSeconds: 0.1 } }), /keyframe interval/);
    assert.throws(() => recordingCommand({ ...base, mask: { imagePath: '' } }), /mask image/);
    assert.throws(() => recordingCommand({ ...base, runTag: 'R-1', mask }), /run tag/);
  });

  it('escapes folder names that mean something to ffmpeg (spaces, colons, quotes, brackets, pipes, %)', () => {
    const incomingDir = "/srv/vol 1/100% é: it's [x]|y,z/.incoming";
    const { args } = recordingCommand({ ...base, incomingDir, mask });
    const [archive, live] = parseTee(args.at(-1)!);
    assert.equal(archive!.options.segment_list, `${incomingDir}/r1a2b.segments.csv`);
    assert.equal(archive!.target, "/srv/vol 1/100%% é: it's [x]|y,z/.incoming/r1a2b-%Y%m%dT%H%M%SZ.mp4", '% doubled for strftime only');
    assert.equal(live!.target, 'pipe:1');
    assert.equal(escapeFfmpegToken('a:b'), 'a\\:b');
    assert.equal(teeSlave([['k', 'v:w']], 't'), '[k=v\\\\\\:w]t', 'an option value is unescaped twice');
  });

  it('reads the camera as fragmented MP4 on stdin when the native ingest feeds it: no URL, no credentials, no private file', () => {
    const piped = recordingCommand({ ...base, credentials: { username: 'admin', password: 'secret' }, mask, pipedInput: true });
    const pulling = recordingCommand({ ...base, credentials: { username: 'admin', password: 'secret' }, mask });
    assert.equal(piped.privateFile, undefined);
    assert.ok(!piped.args.some((arg) => arg.includes('secret') || arg.includes('rtsp') || arg.includes('ffconcat')), piped.args.join(' '));
    const firstInput = piped.args.indexOf('-i');
    assert.deepEqual(piped.args.slice(firstInput - 6, firstInput + 2), ['-probesize', '32', '-analyzeduration', '0', '-f', 'mp4', '-i', 'pipe:0']);
    assert.deepEqual(piped.args.slice(0, 6), pulling.args.slice(0, 6), 'the same start (the camera queue bounded)');
    const afterCamera = (args: string[]) => args.slice(args.indexOf('image2') - 1);
    assert.deepEqual(afterCamera(piped.args), afterCamera(pulling.args), 'the same mask, encode and outputs');
  });

  it('leaves the copy path exactly as it is without a mask', () => {
    assert.deepEqual(recordingCommand({ ...base, mask: undefined }), recordingCommand(base));
    assert.ok(!recordingCommand(base).args.includes('-filter_complex'));
  });
});

describe('gray frame grab', () => {
  it('decodes one frame, scaled to the size asked, as raw gray on stdout', () => {
    assert.deepEqual(grabGrayFrameArgs('/v/a b.mp4', 320, 180), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-i',
      '/v/a b.mp4',
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-vf',
      'scale=320:180:flags=area',
      '-pix_fmt',
      'gray',
      '-f',
      'rawvideo',
      'pipe:1',
    ]);
    assert.deepEqual(grabGrayFrameArgs('/v/a.mp4', 640, 360, 1.5).slice(4, 6), ['-ss', '1.5']);
    assert.throws(() => grabGrayFrameArgs('/v/a.mp4', 0, 360));
    assert.throws(() => grabGrayFrameArgs('/v/a.mp4', 320.5, 180));
  });
});
