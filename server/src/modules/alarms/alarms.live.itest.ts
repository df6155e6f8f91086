// The operators' live queue on both databases (issue 14, item 3): a real WebSocket client signed
// in as the console is gets its open queue, then an alarm posted to the webhook (intake-to-socket
// latency printed), then the change of an operator's action; a reader of another commune gets
// nothing of it; heartbeats carry the last seq and the session is checked again (signed out:
// closed 4401); a client that does not read is cut; an alarm left `new` escalates past its
// deadline (injected clock) and the escalation is pushed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { waitFor } from '../../testing/wait.ts';

type Message = { type: string; seq?: number; change?: string; alarms?: Array<{ id: string }>; alarm?: Record<string, unknown>; code?: string };

interface Client {
  socket: WebSocket;
  messages: Array<{ at: number; message: Message }>;
  closed: Promise<number>;
  next(what: string, match: (message: Message) => boolean, timeoutMs?: number): Promise<{ at: number; message: Message }>;
  close(): Promise<void>;
}

function connect(url: string, user: Pick<SignedIn, 'cookie'>, headers: Record<string, string> = {}): Client {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/alarms/live`, { headers: { cookie: user.cookie, ...headers } });
  const client: Client = {
    socket,
    messages: [],
    closed: new Promise((resolve) => socket.on('close', (code) => resolve(code))),
    async next(what, match, timeoutMs = 5000) {
      const find = () => client.messages.find((entry) => match(entry.message));
      await waitFor(what, () => find() !== undefined, timeoutMs, 2);
      return find() as { at: number; message: Message };
    },
    async close() {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
      await client.closed;
    },
  };
  socket.on('message', (data) => client.messages.push({ at: performance.now(), message: JSON.parse(String(data)) as Message }));
  socket.on('error', () => undefined);
  return client;
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`alarms live queue [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let url: string;
    let admin: SignedIn;
    let operatorA: SignedIn;
    let operatorB: SignedIn;
    let source: { id: string; token: string };
    const clients: Client[] = [];
    let eventCounter = 0;

    before(async () => {
      context = await createTestContext(dialect, { env: { VIGIE_ALARM_LIVE_HEARTBEAT_SECONDS: '1', VIGIE_ALARM_LIVE_BUFFER_KIB: '16' } });
      await createCommunesAndSites(context);
      admin = await signIn(context, 'administrator', 'all');
      operatorA = await signIn(context, 'operator', [communeA]);
      operatorB = await signIn(context, 'operator', [communeB]);
      const created = await admin.request({
        method: 'POST',
        url: '/api/alarm-sources',
        payload: { id: 'pti-live', kind: 'webhook', communeInsee: communeA, name: 'PTI' },
      });
      assert.equal(created.statusCode, 201, created.body);
      source = { id: 'pti-live', token: created.json().token };
      url = await context.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      for (const client of clients) await client.close();
      await context?.close();
    });

    const open = async (user: Pick<SignedIn, 'cookie'>): Promise<Client> => {
      const client = connect(url, user);
      clients.push(client);
      await client.next('the snapshot', (message) => message.type === 'snapshot');
      return client;
    };
    const post = (payload: Record<string, unknown>) =>
      fetch(`${url}/api/alarms/intake/${source.id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ eventId: `live-${++eventCounter}`, ...payload }),
      });

    it('pushes a webhook alarm to the reader of its commune (latency printed), then the operator’s action; the other commune gets nothing', async () => {
      const clientA = await open(operatorA);
      const clientB = await open(operatorB);
      const latencies: number[] = [];
      const answers: number[] = [];
      let alarmId = '';
      for (let index = 0; index < 20; index++) {
        const startedAt = performance.now();
        const response = await post({ type: 'pti_sos', zone: `agent-${index}` });
        assert.equal(response.status, 201);
        answers.push(performance.now() - startedAt);
        alarmId = ((await response.json()) as { alarmId: string }).alarmId;
        const received = await clientA.next('the new alarm', (message) => message.type === 'change' && message.alarm?.id === alarmId);
        assert.equal(received.message.change, 'created');
        assert.equal(received.message.alarm?.state, 'new');
        latencies.push(received.at - startedAt);
      }
      latencies.sort((a, b) => a - b);
      answers.sort((a, b) => a - b);
      console.log(
        `[${dialect}] webhook call -> WebSocket message over ${latencies.length} alarms: p50 ${latencies[10]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms (the webhook's own answer: p50 ${answers[10]?.toFixed(1)} ms, max ${answers.at(-1)?.toFixed(1)} ms)`,
      );
      const taken = await operatorA.request({ method: 'POST', url: `/api/alarms/${alarmId}/take`, payload: {} });
      assert.equal(taken.statusCode, 200, taken.body);
      const change = await clientA.next('the take', (message) => message.change === 'take' && message.alarm?.id === alarmId);
      assert.equal(change.message.alarm?.state, 'taken');
      assert.equal(change.message.alarm?.takenBy, operatorA.login);
      const seqs = clientA.messages.filter((entry) => entry.message.type === 'change').map((entry) => entry.message.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, index) => index + 1),
        'one seq per change, no gap',
      );
      await clientB.next('a heartbeat', (message) => message.type === 'heartbeat');
      assert.deepEqual(
        clientB.messages.filter((entry) => entry.message.type === 'change'),
        [],
        'a reader of another commune receives nothing of it',
      );
      const snapshotB = clientB.messages[0]?.message;
      assert.deepEqual(snapshotB?.alarms, []);
      // A new connection's snapshot holds the open queue.
      const later = await open(operatorA);
      assert.ok(later.messages[0]?.message.alarms?.some((alarm) => alarm.id === alarmId));
      const heartbeat = await clientA.next('a heartbeat after the changes', (message) => message.type === 'heartbeat' && message.seq === seqs.length);
      assert.equal(heartbeat.message.seq, seqs.length, 'the heartbeat carries the last seq');
    });

    it('refuses a socket without a session (in-band 4401) and a page of another origin (before the upgrade), and closes one whose session ended', async () => {
      const anonymous = connect(url, { cookie: '' });
      clients.push(anonymous);
      assert.equal(await anonymous.closed, 4401);
      assert.equal(anonymous.messages[0]?.message.code, 'unauthenticated');
      const hijacked = new WebSocket(`${url.replace('http', 'ws')}/api/alarms/live`, { headers: { cookie: operatorA.cookie, origin: 'http://evil.example' } });
      const refusedStatus = await new Promise<number>((resolve) => {
        hijacked.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        hijacked.on('open', () => resolve(101));
        hijacked.on('error', () => undefined);
      });
      hijacked.terminate();
      assert.equal(refusedStatus, 403, 'a page of another origin is refused before the upgrade');
      const leaving = await signIn(context, 'operator', [communeA]);
      const client = await open(leaving);
      const out = await leaving.request({ method: 'POST', url: '/api/auth/logout', payload: {} });
      assert.ok(out.statusCode < 300, out.body);
      assert.equal(await client.closed, 4401, 'the next heartbeat finds the session gone');
    });

    it('cuts a client that does not read (its send buffer past the bound, or no pong), without holding its backlog', async () => {
      const created = await post({
        type: 'intrusion',
        zone: 'slow',
        title: 'x'.repeat(200),
        cameraIds: Array.from({ length: 32 }, (_, index) => `camera-${'y'.repeat(90)}-${index}`),
      });
      const { alarmId } = (await created.json()) as { alarmId: string };
      const slow = await open(operatorA);
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const live = context.services.alarms.live;
      const cuts = () => live.stats().cutSlow + live.stats().cutUnresponsive;
      const before = { ...live.stats() };
      assert.equal(before.connections, 4, 'the readers of the tests before, and this one');
      const startedAt = Date.now();
      let emitted = 0;
      while (cuts() === before.cutSlow + before.cutUnresponsive && emitted < 50_000) {
        for (let index = 0; index < 500; index++)
          context.services.events.emit('alarm.changed', { alarmId, communeInsee: communeA, state: 'new', change: 'folded' });
        emitted += 500;
        await live.settled();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const after = live.stats();
      assert.equal(cuts(), before.cutSlow + before.cutUnresponsive + 1, `cut after ${emitted} changes`);
      assert.equal(after.connections, before.connections - 1, 'only the client that does not read was cut');
      const why = after.cutSlow > before.cutSlow ? 'its send buffer past the bound' : 'two pings unanswered';
      console.log(`[${dialect}] client that does not read cut (${why}) after ${emitted} changes of ~4 KB, ${Date.now() - startedAt} ms`);
      (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      await slow.closed;
    });

    it('escalates an alarm left new past its deadline (injected clock), once per level, audited and pushed; a taken one does not', async () => {
      const client = await open(operatorA);
      const created = await post({ type: 'pti_man_down', zone: 'escalating' });
      const { alarmId } = (await created.json()) as { alarmId: string };
      const takenEarly = (await (await post({ type: 'pti_man_down', zone: 'taken-early' })).json()) as { alarmId: string };
      assert.equal((await operatorA.request({ method: 'POST', url: `/api/alarms/${takenEarly.alarmId}/take`, payload: {} })).statusCode, 200);
      const deadline = context.config.alarms.escalationMs[0];
      const escalation = context.services.alarms.escalation;
      context.clock.advance(deadline - 1000);
      await escalation.run();
      const escalationsOf = (id: string) => client.messages.filter((entry) => entry.message.change === 'escalated' && entry.message.alarm?.id === id);
      assert.equal(escalationsOf(alarmId).length, 0, 'not before the deadline');
      context.clock.advance(2000);
      await escalation.run();
      const first = await client.next('the escalation', (message) => message.change === 'escalated' && message.alarm?.id === alarmId);
      assert.equal(first.message.alarm?.escalationLevel, 1);
      assert.equal(first.message.alarm?.state, 'new');
      assert.equal(first.message.alarm?.escalatedAt, context.clock.now().toISOString());
      await escalation.run();
      assert.equal(escalationsOf(alarmId).length, 1, 'a second run changes nothing');
      context.clock.advance(deadline);
      await escalation.run();
      const second = await client.next('the second level', (message) => message.alarm?.id === alarmId && message.alarm?.escalationLevel === 2);
      assert.equal(second.message.change, 'escalated');
      assert.equal(escalationsOf(takenEarly.alarmId).length, 0, 'an alarm taken in time does not escalate');
      const audit = await context.services.audit.search({ targetId: alarmId }, { allCommunes: true, communes: [] });
      assert.deepEqual(
        audit.records.map((record) => [record.action, record.actorLogin]).filter(([action]) => action === 'alarm.escalated'),
        [
          ['alarm.escalated', 'system'],
          ['alarm.escalated', 'system'],
        ],
      );
      const listed = await operatorA.request({ method: 'GET', url: `/api/alarms/${alarmId}` });
      assert.equal(listed.json().escalationLevel, 2);
    });
  });
}
