// The exports module's pure pieces, no IO: minisign signing and checking, the MP4 box walker,
// ffmpeg arguments and concat lists, the manifest order, Paris instants, recipients and purge.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Principal } from '../access/index.ts';
import { concatList, copyArgs, keyframeAtOrBefore, parseProbe } from './exports.media.ts';
import { keyIdHex, minisignKeyId, minisignPublicKey, minisignSign, minisignVerify, parseMinisignPublicKey } from './exports.minisign.ts';
import { manifestText } from './exports.package.ts';
import { mayDownload, parisInstant, purgeDue } from './exports.rules.ts';
import { BoxWalker } from './exports.verify.ts';

const signer = () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyRaw: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).subarray(-32),
    signBytes: (data: Buffer) => sign(null, data, privateKey),
  };
};
const box = (type: string, body: number) => {
  const bytes = Buffer.alloc(8 + body);
  bytes.writeUInt32BE(8 + body, 0);
  bytes.write(type, 4, 'latin1');
  return bytes;
};
const walk = (bytes: Buffer, chunk = 3) => {
  const walker = new BoxWalker();
  for (let at = 0; at < bytes.length; at += chunk) walker.push(bytes.subarray(at, at + chunk));
  return walker.finish();
};

describe('minisign', () => {
  it('signs a file so that its own check passes, and names what fails', () => {
    const key = signer();
    const data = Buffer.from('a  b\n');
    const signature = minisignSign(key, data, 'package 1\nsigned');
    const publicKey = parseMinisignPublicKey(minisignPublicKey(key.publicKeyRaw));
    assert.ok(typeof publicKey !== 'string');
    assert.deepEqual(minisignVerify(publicKey, data, signature), { ok: true, trustedComment: 'package 1 signed' });
    assert.deepEqual(minisignVerify(publicKey, Buffer.from('a  c\n'), signature), { ok: false, problem: 'signature does not match the file' });
    const lines = signature.split('\n');
    lines[2] = 'trusted comment: package 2';
    assert.deepEqual(minisignVerify(publicKey, data, lines.join('\n')), { ok: false, problem: 'global signature does not match the trusted comment' });
    const other = parseMinisignPublicKey(minisignPublicKey(signer().publicKeyRaw));
    assert.ok(typeof other !== 'string');
    assert.deepEqual(minisignVerify(other, data, signature), { ok: false, problem: 'signed by another key (key id differs)' });
  });

  it('writes the key as "Ed" || key id || key, the id shown as minisign does (little-endian hex)', () => {
    const key = signer();
    const text = minisignPublicKey(key.publicKeyRaw);
    const bytes = Buffer.from(text.split('\n')[1]!, 'base64');
    assert.equal(bytes.length, 42);
    assert.equal(bytes.subarray(0, 2).toString(), 'Ed');
    assert.ok(bytes.subarray(10).equals(key.publicKeyRaw));
    const id = minisignKeyId(key.publicKeyRaw);
    assert.equal(keyIdHex(id), Buffer.from(id).reverse().toString('hex').toUpperCase());
    assert.ok(text.startsWith(`untrusted comment: minisign public key ${keyIdHex(id)}\n`));
  });
});

describe('MP4 box walker', () => {
  it('accepts ftyp, moov, mdat ending exactly at the end of the file, in any chunking', () => {
    const file = Buffer.concat([box('ftyp', 12), box('moov', 40), box('mdat', 100)]);
    for (const chunk of [1, 3, 7, 1000]) assert.deepEqual(walk(file, chunk), { types: ['ftyp', 'moov', 'mdat'], problem: null });
  });

  it('names an overrun, trailing bytes, a missing moov and a wrong first box', () => {
    const file = Buffer.concat([box('ftyp', 12), box('moov', 40), box('mdat', 100)]);
    assert.match(walk(file.subarray(0, file.length - 5)).problem!, /"mdat" overruns the end of the file by 5 bytes/);
    assert.match(walk(Buffer.concat([file, Buffer.from([0, 0])])).problem!, /2 trailing bytes/);
    assert.equal(walk(Buffer.concat([box('ftyp', 4), box('mdat', 4)])).problem, 'no "moov" box');
    assert.equal(walk(Buffer.concat([box('moov', 4), box('ftyp', 4)])).problem, 'first box is "moov", not "ftyp"');
  });

  it('reads 64-bit box sizes', () => {
    const large = Buffer.alloc(16 + 20);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(36n, 8);
    assert.deepEqual(walk(Buffer.concat([box('ftyp', 4), box('moov', 4), large]), 5), { types: ['ftyp', 'moov', 'mdat'], problem: null });
  });
});

describe('export media arguments', () => {
  it('lists the segments for the concat demuxer, quoted, cut at the keyframe and the end', () => {
    assert.equal(
      concatList([{ path: "/v/it's.mp4", inpoint: 1 }, { path: '/v/b.mp4' }, { path: '/v/c.mp4', outpoint: 0.9 }]),
      "ffconcat version 1.0\nfile '/v/it'\\''s.mp4'\ninpoint 1.000000\nfile '/v/b.mp4'\nfile '/v/c.mp4'\noutpoint 0.900000\n",
    );
    assert.throws(() => concatList([]));
    assert.throws(() => concatList([{ path: '/v/a\nfile /etc/passwd' }]));
  });

  it('copies the streams (no re-encoding) with the index first', () => {
    const args = copyArgs('/w/list', '/w/out.mp4');
    assert.deepEqual(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2), ['-c', 'copy']);
    assert.deepEqual(args.slice(-6), ['-movflags', '+faststart', '-f', 'mp4', '-y', '/w/out.mp4']);
    assert.ok(!args.includes('libx264'));
  });

  it('finds the last keyframe at or before a time, and reads ffprobe’s figures', () => {
    const csv = '0.000000,K__\n0.083333,___\n1.000000,K__\n1.083333,___\n';
    assert.equal(keyframeAtOrBefore(csv, 0.5), 0);
    assert.equal(keyframeAtOrBefore(csv, 1), 1);
    assert.equal(keyframeAtOrBefore(csv, 1.9), 1);
    assert.deepEqual(
      parseProbe(
        JSON.stringify({
          streams: [{ codec_name: 'h264', width: 320, height: 180, avg_frame_rate: '12/1', nb_read_packets: '144' }],
          format: { duration: '12.000' },
        }),
      ),
      { codec: 'h264', width: 320, height: 180, fps: 12, frames: 144, durationSeconds: 12 },
    );
  });
});

describe('package rules', () => {
  it('orders the manifest by path bytes and leaves out the manifest, its signature and the key', () => {
    const hashes = new Map([
      ['media/01.mp4', 'a'.repeat(64)],
      ['journal.json', 'b'.repeat(64)],
      ['LISEZMOI.txt', 'c'.repeat(64)],
      ['manifest.sha256', 'd'.repeat(64)],
      ['minisign.pub', 'e'.repeat(64)],
    ]);
    assert.equal(manifestText(hashes), `${'c'.repeat(64)}  LISEZMOI.txt\n${'b'.repeat(64)}  journal.json\n${'a'.repeat(64)}  media/01.mp4\n`);
  });

  it('gives Paris wall time with its offset, winter and summer', () => {
    assert.equal(parisInstant(Date.parse('2026-12-07T14:29:16.250Z')), '2026-12-07T15:29:16.250+01:00');
    assert.equal(parisInstant(Date.parse('2026-07-07T14:29:16Z')), '2026-07-07T16:29:16.000+02:00');
  });

  it('lets the filing officer and the commune’s supervisors download, nobody else', () => {
    const principal = (role: Principal['role'], id: string, communes: string[]) => ({ role, id, communes, allCommunes: false }) as unknown as Principal;
    const requisition = { commune_insee: '38185', filed_by_id: 'p1' };
    assert.equal(mayDownload(principal('police', 'p1', ['38185']), requisition), true);
    assert.equal(mayDownload(principal('police', 'p2', ['38185']), requisition), false);
    assert.equal(mayDownload(principal('supervisor', 's1', ['38185']), requisition), true);
    assert.equal(mayDownload(principal('supervisor', 's2', ['38421']), requisition), false);
    assert.equal(mayDownload(principal('operator', 'o1', ['38185']), requisition), false);
  });

  it('purges the configured days after delivery, not before', () => {
    const delivered = '2026-12-01T10:00:00.000Z';
    assert.equal(purgeDue(delivered, 7, Date.parse('2026-12-08T09:59:59.000Z')), false);
    assert.equal(purgeDue(delivered, 7, Date.parse('2026-12-08T10:00:00.000Z')), true);
    assert.equal(purgeDue(delivered, 0, Date.parse(delivered)), true);
  });
});
