// ffmpeg/ffprobe argument builders tested as arrays, their parsers, and the fragmented-MP4
// cut point for crash recovery. No process, no file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseSegmentFileName,
  parseSegmentList,
  parseSegmentProbe,
  probeSegmentArgs,
  recordingCommand,
  segmentFilePattern,
  withCredentials,
} from './ffmpeg-args.ts';
import { scanFragments, type TopLevelBox } from './fragmented-mp4.ts';

const base = { rtspUrl: 'rtsp://127.0.1.1:8554/cam-001/main', segmentSeconds: 60, incomingDir: '/srv/vol1/21038/cam-001/.incoming', runTag: 'r1a2b' };

describe('recording command', () => {
  it('pulls over TCP once, copies without re-encoding, and writes fMP4 segments plus live TS on stdout', () => {
    const { args, env, privateFile } = recordingCommand({ ...base, credentials: { username: 'admin', password: 'p@ss:w/rd' } });
    assert.equal(
      privateFile?.content,
      "ffconcat version 1.0\nfile 'rtsp://admin:p%40ss%3Aw%2Frd@127.0.1.1:8554/cam-001/main'\noption rtsp_transport tcp\noption timeout 10000000\n",
    );
    assert.deepEqual(env, { TZ: 'UTC' });
    assert.deepEqual(args, [
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostats',
      '-f',
      'concat',
      '-safe',
      '0',
      '-protocol_whitelist',
      'file,rtsp,rtsps,tcp,udp,rtp,tls,crypto',
      '-i',
      '/srv/vol1/21038/cam-001/.incoming/r1a2b.input.ffconcat',
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-an',
      '-f',
      'segment',
      '-segment_time',
      '60',
      '-segment_format',
      'mp4',
      '-segment_format_options',
      'movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1',
      '-reset_timestamps',
      '1',
      '-strftime',
      '1',
      '-segment_list',
      '/srv/vol1/21038/cam-001/.incoming/r1a2b.segments.csv',
      '-segment_list_type',
      'csv',
      '/srv/vol1/21038/cam-001/.incoming/r1a2b-%Y%m%dT%H%M%SZ.mp4',
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-an',
      '-f',
      'mpegts',
      '-mpegts_flags',
      '+resend_headers',
      '-omit_video_pes_length',
      '0',
      '-flush_packets',
      '1',
      'pipe:1',
    ]);
    assert.equal(args.filter((arg) => arg === '-c').length, 2);
    assert.ok(!args.includes('libx264') && !args.includes('-vf'), 'never re-encodes');
  });

  it('takes the segment length and socket timeout, and can leave out the live output', () => {
    const { args } = recordingCommand({ ...base, segmentSeconds: 4, socketTimeoutSeconds: 2.5, liveOutput: false });
    assert.equal(args[args.indexOf('-segment_time') + 1], '4');
    assert.equal(args[args.indexOf('-timeout') + 1], '2500000');
    assert.ok(!args.includes('pipe:1'));
    assert.equal(args[args.indexOf('-i') + 1], base.rtspUrl, 'no credentials: URL untouched');
  });

  it('receives the camera over the transport it is given: tcp by default, udp, or auto as udp+tcp (ffmpeg falls back to TCP itself)', () => {
    const transportOf = (rtspTransport?: 'tcp' | 'udp' | 'auto') => {
      const { args } = recordingCommand({ ...base, ...(rtspTransport ? { rtspTransport } : {}) });
      return args[args.indexOf('-rtsp_transport') + 1];
    };
    assert.deepEqual([transportOf(), transportOf('tcp'), transportOf('udp'), transportOf('auto')], ['tcp', 'tcp', 'udp', 'udp+tcp']);
    const { privateFile } = recordingCommand({ ...base, rtspTransport: 'auto', credentials: { username: 'a', password: 'b' } });
    assert.match(privateFile?.content ?? '', /\noption rtsp_transport udp\+tcp\n/);
  });

  it('refuses a bad run tag or segment length', () => {
    assert.throws(() => recordingCommand({ ...base, runTag: 'R-1' }));
    assert.throws(() => recordingCommand({ ...base, segmentSeconds: 0 }));
    assert.throws(() => recordingCommand({ ...base, segmentSeconds: 3600 }));
  });

  it('keeps credentials off the command line (issue 12): only the private input file holds them', () => {
    const { args, privateFile } = recordingCommand({ ...base, credentials: { username: 'op', password: 'Tr0ub4dor' } });
    assert.ok(!args.some((arg) => arg.includes('Tr0ub4dor') || arg.includes('op:')), args.join(' '));
    assert.equal(privateFile?.path, '/srv/vol1/21038/cam-001/.incoming/r1a2b.input.ffconcat');
    assert.match(privateFile?.content ?? '', /file 'rtsp:\/\/op:Tr0ub4dor@127\.0\.1\.1:8554\/cam-001\/main'/);
    // A line break cannot smuggle a second directive in: the URL parser drops it, the quoting keeps the rest one token.
    const smuggled = recordingCommand({ ...base, rtspUrl: "rtsp://h/x\nfile '/etc/passwd", credentials: { username: 'a', password: 'b' } });
    assert.equal(smuggled.privateFile?.content.split('\n').filter((line) => line.startsWith('file ')).length, 1);
  });

  it('escapes % in the folder for strftime', () => {
    assert.equal(segmentFilePattern('/data/100%', 'r1'), '/data/100%%/r1-%Y%m%dT%H%M%SZ.mp4');
    assert.equal(withCredentials('rtsp://h/x', undefined), 'rtsp://h/x');
  });
});

describe('segment names and lists', () => {
  it('reads the run tag and the UTC second from a file name', () => {
    assert.deepEqual(parseSegmentFileName('r1a2b-20261123T184335Z.mp4'), { runTag: 'r1a2b', openedAtMs: Date.parse('2026-11-23T18:43:35Z') });
    assert.equal(parseSegmentFileName('r1a2b.segments.csv'), undefined);
    assert.equal(parseSegmentFileName('notes.txt'), undefined);
  });

  it('parses closed segments and ignores a line still being written', () => {
    const text = 'r1-20261123T184335Z.mp4,0.000000,4.000000\nr1-20261123T184339Z.mp4,4.000000,8.083333\nr1-2026112';
    assert.deepEqual(parseSegmentList(text), [
      { file: 'r1-20261123T184335Z.mp4', startSeconds: 0, endSeconds: 4 },
      { file: 'r1-20261123T184339Z.mp4', startSeconds: 4, endSeconds: 8.083333 },
    ]);
    assert.deepEqual(parseSegmentList(''), []);
  });
});

describe('ffprobe', () => {
  it('counts packets of the video stream and reads the duration', () => {
    assert.deepEqual(probeSegmentArgs('/x/a.mp4'), [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_packets',
      '-show_entries',
      'stream=codec_name,width,height,nb_read_packets,avg_frame_rate:format=duration',
      '-of',
      'json',
      '/x/a.mp4',
    ]);
  });

  it('measures fps from stored frames, not the declared rate', () => {
    const json = JSON.stringify({
      streams: [{ codec_name: 'h264', width: 320, height: 180, avg_frame_rate: '25/1', nb_read_packets: '48' }],
      format: { duration: '4.000000' },
    });
    assert.deepEqual(parseSegmentProbe(json), { codec: 'h264', width: 320, height: 180, frameCount: 48, durationMs: 4000, measuredFps: 12 });
    assert.throws(() => parseSegmentProbe('{"streams":[]}'));
  });
});

describe('fragmented MP4 recovery', () => {
  // The layout ffmpeg writes: ftyp, empty moov, then moof+mdat per keyframe, mfra at close.
  const layout = (sizes: Array<[string, number]>): TopLevelBox[] => {
    let start = 0;
    return sizes.map(([type, size]) => {
      const box = { type, start, size };
      start += size;
      return box;
    });
  };
  const closed = layout([
    ['ftyp', 28],
    ['moov', 763],
    ['moof', 200],
    ['mdat', 92450],
    ['moof', 200],
    ['mdat', 103533],
    ['mfra', 86],
  ]);
  const total = 28 + 763 + 200 + 92450 + 200 + 103533 + 86;

  it('keeps a cleanly closed file whole', () => {
    assert.deepEqual(scanFragments(closed, total), { keepBytes: total, completeFragments: 2, intact: true });
  });

  it('cuts a crashed file after its last complete fragment', () => {
    const cutInSecondMdat = 28 + 763 + 200 + 92450 + 200 + 5000;
    assert.deepEqual(scanFragments(closed.slice(0, 6), cutInSecondMdat), { keepBytes: 28 + 763 + 200 + 92450, completeFragments: 1, intact: false });
    const cutAfterMoof = 28 + 763 + 200 + 92450 + 200;
    assert.equal(scanFragments(closed.slice(0, 5), cutAfterMoof).keepBytes, 28 + 763 + 200 + 92450);
  });

  it('finds nothing to keep in a file with no complete fragment', () => {
    assert.deepEqual(scanFragments(closed.slice(0, 3), 28 + 763 + 100), { keepBytes: 28 + 763, completeFragments: 0, intact: false });
    assert.equal(scanFragments(closed.slice(0, 1), 20).keepBytes, 0);
  });
});
