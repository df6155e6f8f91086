// Run inside a network namespace by discovery.itest.ts: Vigie's WS-Discovery probe on the
// interface named, found among the machine's interfaces as the API finds it; prints the devices
// found as JSON.   node --import tsx discovery-probe-child.ts <interface name> <timeout ms>
import { probe, probeInterfaces } from '../discovery.ts';

const [name = '', timeout = '1500'] = process.argv.slice(2);
const chosen = probeInterfaces().find((candidate) => candidate.name === name);
if (!chosen) {
  process.stdout.write(JSON.stringify({ error: `no interface ${name}`, interfaces: probeInterfaces() }));
  process.exit(2);
}
const devices = await probe({ interfaceAddress: chosen.address, timeoutMs: Number(timeout) });
process.stdout.write(JSON.stringify({ devices }));
