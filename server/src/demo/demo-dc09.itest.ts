// The demo's SIA DC-09 receiver (issue 14), in-process as `./vigie demo` sets it up (SQLite in a
// temporary data folder, as the demo): the receiver is configured on a loopback port, the demo
// panel source and its accounts are declared once, and the simulator's own DC-09 senders (TCP and
// UDP, the plain and the encrypted account, with the key the demo prints) get their ACKs and
// raise alarms of the demo source; a configured receiver is kept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dc09TcpSender, dc09UdpSender } from '../../../simulator/src/alarms/senders.ts';
import { loadConfig } from '../config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { testCli } from '../testing/context.ts';
import { demoDc09, demoDc09Banner, ensureDemoDc09Source, freeLoopbackPort, withDemoDc09 } from './demo-dc09.ts';
import { demoCommunes } from './seed.ts';

describe('demo SIA DC-09 receiver [sqlite]', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-demo-dc09-'));
  let runtime: Runtime;
  let port: number;

  before(async () => {
    port = await freeLoopbackPort();
    runtime = await openRuntime(withDemoDc09(loadConfig({ VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' }), port));
    await runtime.services.communes.create({ ...demoCommunes[0] }, testCli);
  });
  after(async () => {
    await runtime?.services.alarms.dc09.listener.stop();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback and the simulator sends panel alarms to the demo accounts', async () => {
    assert.deepEqual([runtime.config.alarms.dc09.listener?.host, runtime.config.alarms.dc09.listener?.port], ['127.0.0.1', port]);
    await ensureDemoDc09Source(runtime.services);
    await ensureDemoDc09Source(runtime.services);
    await runtime.services.alarms.dc09.listener.start();
    assert.match(demoDc09Banner(runtime.config), new RegExp(`--dc09 127\\.0\\.0\\.1:${port} --dc09-account 1234 --dc09-encrypted ABCD:${demoDc09.key}`));
    const target = {
      host: '127.0.0.1',
      port,
      line: demoDc09.line,
      account: demoDc09.plainAccount,
      encrypted: { account: demoDc09.encryptedAccount, key: Buffer.from(demoDc09.key, 'hex') },
    };
    for (const sender of [await dc09TcpSender(target), await dc09UdpSender(target)]) {
      try {
        // Index 0 goes to the plain account, index 1 to the encrypted one.
        assert.equal(await sender.send(0, false), 'acknowledged', `${sender.channel} plain`);
        assert.equal(await sender.send(1, false), 'acknowledged', `${sender.channel} encrypted`);
      } finally {
        await sender.close();
      }
    }
    const alarms = (await runtime.services.alarms.service.list(null)).filter((alarm) => alarm.sourceId === demoDc09.sourceId);
    assert.ok(alarms.length >= 2, `${alarms.length} alarm(s) of the demo panels`);
    assert.ok(alarms.every((alarm) => alarm.communeInsee === demoCommunes[0].insee));
    assert.ok(alarms.some((alarm) => alarm.zone?.startsWith(`#${demoDc09.encryptedAccount}`)));
  });

  it('keeps a configured receiver', () => {
    const configured = loadConfig({ VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent', VIGIE_ALARM_DC09_PORT: '7300' });
    assert.equal(withDemoDc09(configured, port).alarms.dc09.listener?.port, 7300);
  });
});
