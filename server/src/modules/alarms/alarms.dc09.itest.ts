// SIA DC-09 receiver end to end on both databases, over real TCP and UDP sockets on loopback:
// a message is answered ACK once its alarm is committed (type, zone, site); a restoral attaches;
// a resend after a lost ACK is acknowledged again and stored once; bad CRC, stale timestamp,
// wrong key, unknown account and unknown code get NAK or DUH and store nothing; a client sending
// garbage blocks nobody; supervision lost is raised with the manual clock and restored.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn } from '../../testing/http.ts';
import { communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { decryptPart, encodeMessage, frame, parseKey, type Dc09Message } from './alarms.dc09.frame.ts';

const key = '00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF';

/** One TCP connection: send frames, read the answers (each ends with CR). */
async function tcpClient(port: number): Promise<{ socket: Socket; exchange(frameBytes: Buffer): Promise<string>; close(): void }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = '';
  const waiting: ((answer: string) => void)[] = [];
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    for (let end = buffered.indexOf('\r'); end >= 0; end = buffered.indexOf('\r')) {
      const answer = buffered.slice(0, end + 1);
      buffered = buffered.slice(end + 1);
      waiting.shift()?.(answer);
    }
  });
  return {
    socket,
    exchange: (frameBytes) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no DC-09 answer within 5 s')), 5000);
        waiting.push((answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.write(frameBytes);
      }),
    close: () => socket.destroy(),
  };
}

async function udpExchange(port: number, frameBytes: Buffer): Promise<string> {
  const socket = createSocket('udp4');
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no DC-09 UDP answer within 5 s')), 5000);
      socket.once('message', (answer) => {
        clearTimeout(timer);
        resolve(answer.toString('latin1'));
      });
      socket.send(frameBytes, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

const tokenOf = (answer: string) => /^\n[0-9A-F]{8}"(\*?[A-Z]+)"/.exec(answer)?.[1];

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`alarm SIA DC-09 intake [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let port: number;
    let siteA: string;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-12-07T22:00:00.000Z', env: { VIGIE_ALARM_DC09_PORT: '0' } });
      ({ siteA } = await createCommunesAndSites(context));
      await context.services.alarms.service.createSource({ id: 'panels', kind: 'dc09', communeInsee: communeA, name: 'Centrales' }, testCli);
      const accounts = context.services.alarms.dc09.accounts;
      await accounts.put('panels', '0', '1234', { siteId: siteA }, testCli);
      await accounts.put('panels', '0', 'ABCD', { key, supervisionSeconds: 60 }, testCli);
      await context.services.alarms.dc09.listener.start();
      port = context.services.alarms.dc09.listener.status().tcpPort ?? 0;
      assert.ok(port > 0);
      assert.equal(context.services.alarms.dc09.listener.status().udpPort, port);
    });
    after(async () => {
      await context?.services.alarms.dc09.listener.stop();
      await context?.close();
    });

    const message = (overrides: Partial<Dc09Message>): Dc09Message => ({
      token: 'SIA-DCS',
      encrypted: false,
      sequence: '0001',
      receiver: '1',
      line: '0',
      account: '1234',
      data: '#1234|Nri1/BA01',
      extended: [],
      timestamp: context.clock.now(),
      ...overrides,
    });
    const receipts = async () => (await context.database.handle.db.selectFrom('alarm_receipts').selectAll().where('channel', '=', 'dc09').execute()).length;
    const messages = async () => (await context.database.handle.db.selectFrom('alarm_dc09_messages').selectAll().execute()).length;
    const openAlarm = async (type: string, zone: string) =>
      (await context.services.alarms.service.list(null)).find((alarm) => alarm.type === type && alarm.zone === zone);

    it('TCP: an alarm is acknowledged once committed, with its type, zone and site; its restoral attaches', async () => {
      const client = await tcpClient(port);
      try {
        const answer = await client.exchange(encodeMessage(message({ sequence: '0001' })));
        assert.match(answer, /"ACK"0001R1L0#1234\[\]_22:00:00,12-07-2026\r$/);
        const alarm = await openAlarm('intrusion', '#1234 zone 01');
        assert.ok(alarm, 'stored before the ACK');
        assert.equal(alarm.siteId, siteA);
        assert.equal(alarm.communeInsee, communeA);
        assert.equal(alarm.sourceId, 'panels');
        assert.equal(tokenOf(await client.exchange(encodeMessage(message({ sequence: '0002', data: '#1234|Nri1/BR01' }))))!, 'ACK');
        const restored = await context.services.alarms.service.get(alarm.id, null);
        assert.ok(restored.restoredAt);
        assert.equal(restored.receipts.length, 2);
        const kept = restored.receipts.map((receipt) => JSON.parse(receipt.rawPayload) as { frame: string; code: string; partition: string });
        const first = kept.find((entry) => entry.code === 'BA');
        assert.match(first?.frame ?? '', /^[0-9A-F]{8}"SIA-DCS"0001R1L0#1234\[#1234\|Nri1\/BA01\]_22:00:00,12-07-2026$/, 'the frame as received');
        assert.equal(first?.partition, '1');
      } finally {
        client.close();
      }
    });

    it('a resend after a lost ACK is acknowledged again and stored once; Contact ID on the same connection', async () => {
      const client = await tcpClient(port);
      try {
        const first = encodeMessage(message({ sequence: '0010', token: 'ADM-CID', data: '#1234|1110 01 007' }));
        const before = { receipts: await receipts(), messages: await messages() };
        assert.equal(tokenOf(await client.exchange(first)), 'ACK');
        assert.equal(tokenOf(await client.exchange(first)), 'ACK');
        assert.equal(await receipts(), before.receipts + 1);
        assert.equal(await messages(), before.messages + 1);
        assert.ok(await openAlarm('fire', '#1234 zone 007'));
        assert.ok(context.services.alarms.dc09.intake.counters.duplicates >= 1);
      } finally {
        client.close();
      }
    });

    it('UDP, encrypted account: the alarm is stored and the ACK comes back encrypted to the sender', async () => {
      const sealed = encodeMessage(message({ encrypted: true, account: 'ABCD', sequence: '0003', data: '#ABCD|NTA05' }), parseKey(key));
      const answer = await udpExchange(port, sealed);
      assert.equal(tokenOf(answer), '*ACK');
      const hex = answer.slice(answer.indexOf('[') + 1, -1);
      assert.equal(decryptPart(parseKey(key), hex), ']_22:00:00,12-07-2026');
      const tamper = await openAlarm('panel_tamper', '#ABCD zone 05');
      assert.ok(tamper);
      const [receipt] = (await context.services.alarms.service.get(tamper.id, null)).receipts;
      assert.equal((JSON.parse(receipt?.rawPayload ?? '{}') as { data: string }).data, '#ABCD|NTA05', 'the decrypted data is kept with the receipt');
    });

    it('tests and openings are acknowledged and kept as messages, not alarms', async () => {
      const before = { receipts: await receipts(), messages: await messages() };
      assert.equal(tokenOf(await udpExchange(port, encodeMessage(message({ sequence: '0020', data: '#1234|NRP/OP002' })))), 'ACK');
      assert.equal(await receipts(), before.receipts);
      assert.equal(await messages(), before.messages + 1);
    });

    it('bad CRC, stale timestamp, wrong key, unknown account and unknown code: NAK or DUH, nothing stored, counted', async () => {
      const before = { receipts: await receipts(), messages: await messages() };
      const good = encodeMessage(message({ sequence: '0030' })).toString('latin1');
      const badCrc = Buffer.from(`\n${good[1] === '0' ? '1' : '0'}${good.slice(2)}`, 'latin1');
      const client = await tcpClient(port);
      try {
        assert.match(await client.exchange(badCrc), /"NAK"0000R0L0A0\[\]_22:00:00,12-07-2026\r$/);
        const stale = encodeMessage(message({ sequence: '0031', timestamp: new Date(context.clock.now().getTime() - 60_000) }));
        assert.equal(tokenOf(await client.exchange(stale)), 'NAK');
        const wrongKey = encodeMessage(message({ encrypted: true, account: 'ABCD', sequence: '0032', data: '#ABCD|NBA01' }), parseKey('FF'.repeat(32)));
        assert.equal(tokenOf(await client.exchange(wrongKey)), 'DUH');
        assert.equal(
          tokenOf(await client.exchange(encodeMessage(message({ account: 'ABCD', sequence: '0033', data: '#ABCD|NBA01' })))),
          'DUH',
          'plain on an encrypted account',
        );
        assert.equal(tokenOf(await client.exchange(encodeMessage(message({ account: '9999', sequence: '0034' })))), 'DUH');
        assert.match(await client.exchange(encodeMessage(message({ sequence: '0035', data: '#1234|NZZ01' }))), /"DUH"0035R1L0#1234\[\]\r$/);
        assert.equal(tokenOf(await client.exchange(frame('"SIA-DCS"0036L0#1234[#1234|NBA01'))), 'DUH');
      } finally {
        client.close();
      }
      assert.equal(await receipts(), before.receipts);
      assert.equal(await messages(), before.messages);
      const rejected = context.services.alarms.service.intakeCounters().rejected;
      for (const code of ['dc09_bad_crc', 'dc09_stale_timestamp', 'dc09_bad_key', 'dc09_unknown_account', 'dc09_unknown_code', 'dc09_unparsable']) {
        assert.ok((rejected[`dc09:${code}`] ?? 0) >= 1, code);
      }
    });

    it('a client sending garbage with no CR is dropped and blocks nobody', async () => {
      const noisy = connect({ host: '127.0.0.1', port });
      await new Promise<void>((resolve) => noisy.once('connect', resolve));
      const closed = new Promise<void>((resolve) => noisy.once('close', () => resolve()));
      noisy.on('error', () => undefined);
      const client = await tcpClient(port);
      try {
        noisy.write(Buffer.alloc(2000, 0x41));
        assert.equal(tokenOf(await client.exchange(encodeMessage(message({ sequence: '0040', data: '#1234|NOP001' })))), 'ACK');
        noisy.write(Buffer.alloc(4000, 0x41));
        await closed;
        assert.equal(tokenOf(await client.exchange(encodeMessage(message({ sequence: '0041', data: '#1234|NCL001' })))), 'ACK');
      } finally {
        client.close();
        noisy.destroy();
      }
    });

    it('HTTP: an administrator sets an account (its key never returned nor audited), an operator may not, bad input changes nothing', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      const operator = await signIn(context, 'operator', [communeA]);
      const url = '/api/alarm-sources/panels/dc09-accounts/0/5555';
      const secret = 'C0FFEE00C0FFEE00C0FFEE00C0FFEE00';
      const put = await admin.request({ method: 'PUT', url, payload: { key: secret, supervisionSeconds: 600, siteId: siteA } });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().encrypted, true);
      assert.ok(!put.body.includes(secret));
      const listed = await admin.request({ method: 'GET', url: '/api/alarm-sources/panels/dc09-accounts' });
      assert.equal(listed.statusCode, 200);
      assert.ok(listed.json().some((entry: { account: string }) => entry.account === '5555'));
      assert.ok(!listed.body.includes(secret));
      const audit = await context.database.handle.db.selectFrom('audit_log').selectAll().where('action', 'like', 'alarm.dc09_account.%').execute();
      assert.ok(audit.length >= 1 && audit.every((row) => !JSON.stringify(row).includes(secret)), 'the key is not in the audit');
      assert.equal((await operator.request({ method: 'PUT', url, payload: {} })).statusCode, 403);
      const bad = [
        await admin.request({ method: 'PUT', url, payload: { key: 'short', siteId: null, supervisionSeconds: null } }),
        await admin.request({ method: 'PUT', url, payload: { siteId: null, supervisionSeconds: 5 } }),
        // PUT replaces the whole account: a field left out is refused (only the key may be).
        await admin.request({ method: 'PUT', url, payload: { supervisionSeconds: 600 } }),
        await admin.request({ method: 'PUT', url: '/api/alarm-sources/panels/dc09-accounts/0/12', payload: { siteId: null, supervisionSeconds: null } }),
        await admin.request({ method: 'PUT', url: '/api/alarm-sources/nosuch/dc09-accounts/0/5555', payload: { siteId: null, supervisionSeconds: null } }),
      ];
      assert.deepEqual(
        bad.map((response) => response.statusCode),
        [400, 400, 400, 400, 404],
      );
      const kept = await admin.request({ method: 'GET', url: '/api/alarm-sources/panels/dc09-accounts' });
      const account = kept.json().find((entry: { account: string }) => entry.account === '5555');
      assert.deepEqual([account.encrypted, account.supervisionSeconds, account.siteId], [true, 600, siteA], 'refused PUTs changed nothing');
      const status = await admin.request({ method: 'GET', url: '/api/alarm-sources/dc09/status' });
      assert.equal(status.json().listening, true);
      assert.equal(status.json().tcpPort, port);
    });

    it('a supervised panel silent past its interval raises supervision lost, restored when it speaks again', async () => {
      const dc09 = context.services.alarms.dc09;
      assert.equal(
        tokenOf(
          await udpExchange(port, encodeMessage(message({ token: 'NULL', encrypted: true, account: 'ABCD', sequence: '0050', data: '' }), parseKey(key))),
        ),
        '*ACK',
      );
      assert.equal(await dc09.intake.checkSupervision(), 0);
      context.clock.advance(100_000);
      assert.equal(await dc09.intake.checkSupervision(), 0, 'within interval + grace (60 s + 60 s)');
      context.clock.advance(30_000);
      assert.equal(await dc09.intake.checkSupervision(), 1);
      assert.equal(await dc09.intake.checkSupervision(), 0, 'raised once');
      const lost = await openAlarm('supervision_lost', '#ABCD');
      assert.ok(lost);
      assert.equal(lost.restoredAt, null);
      const [account] = (await dc09.accounts.list('panels', null)).filter((entry) => entry.account === 'ABCD');
      assert.ok(account?.supervisionLostAt);
      assert.equal(account?.encrypted, true);
      assert.ok(!JSON.stringify(account).includes(key), 'the key is never shown');
      const answer = await udpExchange(port, encodeMessage(message({ encrypted: true, account: 'ABCD', sequence: '0051', data: '#ABCD|NRP' }), parseKey(key)));
      assert.equal(tokenOf(answer), '*ACK');
      assert.ok((await context.services.alarms.service.get(lost.id, null)).restoredAt);
      assert.equal((await dc09.accounts.list('panels', null)).find((entry) => entry.account === 'ABCD')?.supervisionLostAt, null);
      const sealed = await context.database.handle.db.selectFrom('alarm_dc09_accounts').select('key_sealed').where('account', '=', 'ABCD').executeTakeFirst();
      assert.ok(sealed?.key_sealed && !sealed.key_sealed.includes(key), 'the key is sealed at rest');
    });
  });
}
