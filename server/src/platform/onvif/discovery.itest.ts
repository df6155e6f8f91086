// WS-Discovery in network namespaces the test creates (root and `ip netns` needed; skipped with
// a message otherwise): a "Vigie" namespace with two interfaces, each a veth to its own camera
// namespace where the simulator's responder runs. A probe on the first interface finds the first
// camera only, and the responder behind the second interface never even sees it; then the other
// way round. Addresses are from 198.18.0.0/15 (benchmarking, never routed) and exist only inside
// the namespaces. Everything is removed in `after`, whatever happened.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { DiscoveredDevice } from './discovery.ts';

const here = dirname(fileURLToPath(import.meta.url));
const tag = String(process.pid % 100000);
const ns = { vigie: `vigie-${tag}-v`, one: `vigie-${tag}-c1`, two: `vigie-${tag}-c2` };
const links = { vigieOne: `vga${tag}`, camOne: `vca${tag}`, vigieTwo: `vgb${tag}`, camTwo: `vcb${tag}` };

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function privilegeProblem(): string | false {
  if (process.getuid?.() !== 0) return 'WS-Discovery namespace test skipped: it needs root to create network namespaces (ip netns add)';
  try {
    ip('netns', 'add', `vigie-${tag}-probe`);
    ip('netns', 'del', `vigie-${tag}-probe`);
    return false;
  } catch (error) {
    return `WS-Discovery namespace test skipped: ip netns does not work here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
}

const skip = privilegeProblem();
if (skip) process.stdout.write(`# ${skip}\n`);

describe('WS-Discovery on one chosen interface (network namespaces)', { skip }, () => {
  const children: ChildProcess[] = [];
  const answered = { one: 0, two: 0 };

  function inNamespace(namespace: string, script: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '--import', 'tsx', join(here, 'testing', script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  }

  function startResponder(namespace: string, address: string, name: string, counter: 'one' | 'two'): Promise<void> {
    const child = inNamespace(namespace, 'discovery-responder-child.ts', [address, name]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`responder in ${namespace} did not start`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (text.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
        answered[counter] += (text.match(/answered/g) ?? []).length;
      });
      child.once('exit', (code) => reject(new Error(`responder in ${namespace} exited ${code}`)));
    });
  }

  async function probeOn(linkName: string): Promise<DiscoveredDevice[]> {
    const child = inNamespace(ns.vigie, 'discovery-probe-child.ts', [linkName, '1500']);
    let output = '';
    let errors = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, `${output} ${errors}`);
    return (JSON.parse(output) as { devices: DiscoveredDevice[] }).devices;
  }

  before(async () => {
    for (const name of Object.values(ns)) ip('netns', 'add', name);
    const pair = (vigieSide: string, camSide: string, camNs: string, subnet: number) => {
      ip('link', 'add', vigieSide, 'netns', ns.vigie, 'type', 'veth', 'peer', 'name', camSide, 'netns', camNs);
      ip('-n', ns.vigie, 'addr', 'add', `198.18.${subnet}.1/24`, 'dev', vigieSide);
      ip('-n', camNs, 'addr', 'add', `198.18.${subnet}.2/24`, 'dev', camSide);
      ip('-n', ns.vigie, 'link', 'set', vigieSide, 'up');
      ip('-n', camNs, 'link', 'set', camSide, 'up');
    };
    for (const name of Object.values(ns)) ip('-n', name, 'link', 'set', 'lo', 'up');
    pair(links.vigieOne, links.camOne, ns.one, 1);
    pair(links.vigieTwo, links.camTwo, ns.two, 2);
    await Promise.all([startResponder(ns.one, '198.18.1.2', 'Caméra Un', 'one'), startResponder(ns.two, '198.18.2.2', 'Caméra Deux', 'two')]);
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.pid) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const child of children) if (child.exitCode === null && child.pid) child.kill('SIGKILL');
    for (const name of Object.values(ns)) {
      try {
        ip('netns', 'del', name); // removes its veth ends too
      } catch {
        // Not created.
      }
    }
  });

  it('finds the camera behind the chosen interface only; the other network never sees the probe', async () => {
    const devices = await probeOn(links.vigieOne);
    assert.deepEqual(
      devices.map((device) => [device.name, device.hardware, device.location, device.xaddrs, device.from]),
      [['Caméra Un', 'VS-F2130', 'Test', ['http://198.18.1.2:8080/onvif/device_service'], '198.18.1.2']],
    );
    assert.ok(answered.one >= 1);
    assert.equal(answered.two, 0, 'no probe reached the other interface');
  });

  it('and the other way round', async () => {
    const before = answered.one;
    const devices = await probeOn(links.vigieTwo);
    assert.deepEqual(
      devices.map((device) => device.name),
      ['Caméra Deux'],
    );
    assert.equal(answered.one, before, 'no probe reached the first interface');
  });
});
