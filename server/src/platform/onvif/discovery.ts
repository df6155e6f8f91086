// WS-Discovery (OASIS WS-Discovery 1.1 as ONVIF uses it, SOAP 1.2 over UDP): one Probe for
// ONVIF devices, sent to 239.255.255.250:3702 on ONE interface only (the socket is bound to that
// interface's address and IP_MULTICAST_IF names it, TTL 1 so no router forwards it), and the
// ProbeMatches read back until a deadline. Bounded: one Probe (repeated at most twice, as the
// specification's UDP retransmission asks), a time limit, a maximum of answers kept.
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { XMLParser } from 'fast-xml-parser';
import { child, list, text, type XmlNode } from './soap.ts';

export const DISCOVERY_ADDRESS = '239.255.255.250';
export const DISCOVERY_PORT = 3702;
const MAX_MATCHES = 512;
const MAX_DATAGRAM_BYTES = 64 * 1024;

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });

export interface DiscoveredDevice {
  /** The device's stable identity (EndpointReference Address, usually urn:uuid:...). */
  endpoint: string;
  /** Its device service addresses, as it gave them. */
  xaddrs: string[];
  types: string[];
  scopes: string[];
  /** From the onvif://www.onvif.org/ scopes. */
  name: string | null;
  hardware: string | null;
  location: string | null;
  profiles: string[];
  /** Where the answer came from. */
  from: string;
}

export function probeMessage(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    '<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>' +
    `<a:MessageID>urn:uuid:${messageId}</a:MessageID><a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>` +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
  );
}

function scopeValue(scopes: readonly string[], kind: string): string | null {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const found = scopes.find((scope) => scope.startsWith(prefix));
  if (!found) return null;
  try {
    return decodeURIComponent(found.slice(prefix.length));
  } catch {
    return found.slice(prefix.length);
  }
}

const words = (value: string | undefined) => (value ?? '').split(/\s+/).filter((word) => word.length > 0);

/** The ProbeMatches of one datagram answering `messageId` (others, and anything unreadable, give none). */
export function readProbeMatches(xml: string, messageId: string, from: string): DiscoveredDevice[] {
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch {
    return [];
  }
  const envelope = child(document, 'Envelope');
  const relatesTo = text(child(child(envelope, 'Header'), 'RelatesTo'));
  if (relatesTo !== undefined && relatesTo !== `urn:uuid:${messageId}`) return [];
  const matches = list(child(child(child(envelope, 'Body'), 'ProbeMatches'), 'ProbeMatch'));
  return matches
    .map((match) => {
      const scopes = words(text(child(match, 'Scopes'))).slice(0, 64);
      return {
        endpoint: (text(child(child(match, 'EndpointReference'), 'Address')) ?? '').slice(0, 300),
        xaddrs: words(text(child(match, 'XAddrs')))
          .filter((address) => /^https?:\/\//i.test(address))
          .slice(0, 8),
        types: words(text(child(match, 'Types'))).slice(0, 16),
        scopes,
        name: scopeValue(scopes, 'name'),
        hardware: scopeValue(scopes, 'hardware'),
        location: scopeValue(scopes, 'location'),
        profiles: scopes
          .filter((scope) => scope.startsWith('onvif://www.onvif.org/Profile/'))
          .map((scope) => scope.slice('onvif://www.onvif.org/Profile/'.length)),
        from,
      };
    })
    .filter((device) => device.endpoint !== '' || device.xaddrs.length > 0);
}

export interface ProbeInterface {
  name: string;
  address: string;
}

/** The machine's IPv4 interfaces that can carry a probe (loopback cannot: it has no multicast). */
export function probeInterfaces(): ProbeInterface[] {
  const found: ProbeInterface[] = [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) found.push({ name, address: address.address });
  }
  return found;
}

export interface ProbeOptions {
  /** The IPv4 address of the chosen interface: the probe leaves through it only. */
  interfaceAddress: string;
  timeoutMs: number;
  /** Tests give their own. */
  messageId?: string;
}

/** Sends the Probe on one interface and collects the answers until `timeoutMs`. */
export function probe(options: ProbeOptions): Promise<DiscoveredDevice[]> {
  const messageId = options.messageId ?? randomUUID();
  const message = Buffer.from(probeMessage(messageId), 'utf8');
  const found = new Map<string, DiscoveredDevice>();
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve([...found.values()].sort((a, b) => (a.name ?? a.endpoint).localeCompare(b.name ?? b.endpoint)));
    };
    socket.on('error', (error) => finish(error));
    socket.on('message', (datagram, remote) => {
      if (datagram.length > MAX_DATAGRAM_BYTES || found.size >= MAX_MATCHES) return;
      for (const device of readProbeMatches(datagram.toString('utf8'), messageId, remote.address)) {
        const key = device.endpoint || device.xaddrs.join(' ');
        if (!found.has(key) && found.size < MAX_MATCHES) found.set(key, device);
      }
    });
    socket.bind({ address: options.interfaceAddress, port: 0, exclusive: true }, () => {
      try {
        socket.setMulticastInterface(options.interfaceAddress);
        socket.setMulticastTTL(1);
        socket.setMulticastLoopback(false);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const send = () => {
        if (!settled) socket.send(message, DISCOVERY_PORT, DISCOVERY_ADDRESS, (error) => error && finish(error));
      };
      send();
      // Two repeats over UDP (WS-Discovery's retransmission), within the first half of the wait.
      timers.push(setTimeout(send, Math.min(250, options.timeoutMs / 4)), setTimeout(send, Math.min(750, options.timeoutMs / 2)));
      timers.push(setTimeout(() => finish(), options.timeoutMs));
    });
  });
}
