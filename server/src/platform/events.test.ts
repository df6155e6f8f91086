// The in-process event bus: typed events, order, isolation of failing handlers (issue 10).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus } from './events.ts';

declare module './events.ts' {
  interface VigieEvents {
    'test.happened': { id: string };
  }
}

describe('EventBus', () => {
  it('calls the handlers in subscription order, and not after they unsubscribed', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const off = bus.on('test.happened', ({ id }) => void seen.push(`first ${id}`));
    bus.on('test.happened', ({ id }) => void seen.push(`second ${id}`));
    bus.emit('test.happened', { id: 'a' });
    off();
    bus.emit('test.happened', { id: 'b' });
    assert.deepEqual(seen, ['first a', 'second a', 'second b']);
    assert.equal(bus.listenerCount('test.happened'), 1);
  });

  it('a handler that throws or rejects is logged; the others and the emitter go on', async () => {
    const warnings: Array<{ fields: object; message: string }> = [];
    const bus = new EventBus({ warn: (fields, message) => void warnings.push({ fields, message }) });
    const seen: string[] = [];
    bus.on('test.happened', () => {
      throw new Error('boom');
    });
    bus.on('test.happened', async () => {
      throw new Error('async boom');
    });
    bus.on('test.happened', ({ id }) => void seen.push(id));
    assert.doesNotThrow(() => bus.emit('test.happened', { id: 'c' }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ['c']);
    assert.deepEqual(warnings.map((warning) => (warning.fields as { error: string }).error).sort(), ['async boom', 'boom']);
  });
});
