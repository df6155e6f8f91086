// Run inside a network namespace by discovery.itest.ts: the simulator's WS-Discovery responder
// on one interface address, answering for one made-up camera; prints "ready", then "answered"
// for each probe it answers, until its parent ends it.
//   node --import tsx discovery-responder-child.ts <interface address> <camera name>
import { startDiscoveryResponder } from '../../../../../simulator/src/onvif/discovery.ts';

const [address = '', name = 'camera'] = process.argv.slice(2);
let answered = 0;
const responder = await startDiscoveryResponder({
  interfaceAddress: address,
  cameras: () => {
    // Read once per probe that asks for ONVIF devices.
    answered += 1;
    process.stdout.write(`answered ${answered}\n`);
    return [
      {
        endpoint: `urn:uuid:00000000-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
        xaddr: `http://${address}:8080/onvif/device_service`,
        name,
        hardware: 'VS-F2130',
        location: 'Test',
        ptz: false,
      },
    ];
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => void responder.close().then(() => process.exit(0)));
