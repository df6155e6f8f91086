// The live queue's delivery rules without IO: a fake socket and a fake service. A change reaches
// only the readers of its commune, numbered per connection after the snapshot; a socket whose
// send buffer is past the bound is cut (terminated), not written to; a socket that answered no
// ping is cut at the next heartbeat.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { EventBus } from '../../platform/events.ts';
import type { Principal } from '../access/index.ts';
import { type AlarmSocket, AlarmsLive } from './alarms.live.ts';
import type { AlarmRow, AlarmsRepository } from './alarms.repository.ts';
import type { AlarmsService } from './alarms.service.ts';

class FakeSocket implements AlarmSocket {
  bufferedAmount = 0;
  readyState = 1;
  sent: Array<Record<string, unknown>> = [];
  pings = 0;
  terminated = false;
  private listeners: Record<string, Array<() => void>> = {};
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  ping() {
    this.pings += 1;
  }
  close() {
    this.readyState = 3;
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    for (const listener of this.listeners.close ?? []) listener();
  }
  on(event: 'close' | 'pong', listener: () => void) {
    this.listeners[event] = [...(this.listeners[event] ?? []), listener];
  }
  pong() {
    for (const listener of this.listeners.pong ?? []) listener();
  }
}

const principal = (communes: string[]): Principal => ({
  kind: 'user',
  id: `u-${communes.join('-')}`,
  login: `operator-${communes.join('-')}`,
  role: 'operator',
  allCommunes: false,
  communes,
  actionSubset: null,
  approvalReference: 'AGR',
  approvalExpiresOn: '2030-01-01',
  trainingDate: '2026-01-01',
  imageAccessConfirmed: true,
});

const row = (id: string, commune: string): AlarmRow =>
  ({
    id,
    source_id: 's',
    commune_insee: commune,
    type: 'pti_sos',
    priority: 1,
    state: 'new',
    site_id: null,
    zone: null,
    fold_key: '',
    title: 'PTI',
    latitude: null,
    longitude: null,
    camera_ids: '[]',
    count: 1,
    occurred_at: '2026-12-07T10:00:00.000Z',
    first_received_at: '2026-12-07T10:00:00.000Z',
    last_received_at: '2026-12-07T10:00:00.000Z',
    escalation_level: 0,
    escalated_at: null,
  }) as AlarmRow;

function hub(maxBufferedBytes = 1000) {
  const events = new EventBus();
  const rows = new Map([
    ['a1', row('a1', '38185')],
    ['b1', row('b1', '38421')],
  ]);
  const service = { list: async () => [] } as unknown as AlarmsService;
  const repository = { alarm: async (id: string) => rows.get(id) } as unknown as AlarmsRepository;
  const live = new AlarmsLive({ service, repository, events, clock: new ManualClock() }, { heartbeatMs: 60_000, maxBufferedBytes });
  return { events, live };
}

describe('alarms live queue (no IO)', () => {
  it('sends the snapshot first, then numbered changes to the readers of the alarm’s commune only', async () => {
    const { events, live } = hub();
    const a = new FakeSocket();
    const b = new FakeSocket();
    live.serve(a, principal(['38185']), async () => principal(['38185']));
    live.serve(b, principal(['38421']), async () => principal(['38421']));
    events.emit('alarm.changed', { alarmId: 'a1', communeInsee: '38185', state: 'new', change: 'created' });
    events.emit('alarm.changed', { alarmId: 'a1', communeInsee: '38185', state: 'new', change: 'folded' });
    await live.settled();
    assert.deepEqual(
      a.sent.map((message) => [message.type, message.seq]),
      [
        ['snapshot', 0],
        ['change', 1],
        ['change', 2],
      ],
    );
    assert.deepEqual(
      b.sent.map((message) => message.type),
      ['snapshot'],
    );
    live.stop();
  });

  it('cuts a socket whose send buffer is past the bound instead of writing to it', async () => {
    const { events, live } = hub(1000);
    const slow = new FakeSocket();
    live.serve(slow, principal(['38185']), async () => principal(['38185']));
    await live.settled();
    slow.bufferedAmount = 1001;
    events.emit('alarm.changed', { alarmId: 'a1', communeInsee: '38185', state: 'new', change: 'created' });
    await live.settled();
    assert.equal(slow.terminated, true);
    assert.equal(slow.sent.length, 1, 'only the snapshot was written');
    assert.deepEqual(live.stats(), { connections: 0, messagesSent: 1, cutSlow: 1, cutUnresponsive: 0 });
    live.stop();
  });
});
