// A WS-Discovery responder for simulated cameras (WS-Discovery 2005/04 as ONVIF uses it): it
// listens on UDP 3702, joins 239.255.255.250 on one interface, and answers a Probe for ONVIF
// devices (no Types, dn:NetworkVideoTransmitter or tds:Device) with one ProbeMatch per camera,
// sent back to the prober's address and port. It never sends anything unasked (no Hello).
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from './soap.ts';

export interface DiscoverableCamera {
  /** Stable identity, e.g. urn:uuid:... */
  endpoint: string;
  xaddr: string;
  name: string;
  hardware: string;
  location: string;
  ptz: boolean;
}

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });
const MAX_PROBE_BYTES = 16 * 1024;
const ONVIF_TYPES = /(^|\s|:)(NetworkVideoTransmitter|Device)$/;

function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return undefined;
}

/** The MessageID of a Probe that asks for ONVIF devices; undefined for anything else. */
export function readProbe(xml: string): { messageId: string } | undefined {
  let document: Record<string, unknown>;
  try {
    document = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const envelope = document.Envelope as Record<string, unknown> | undefined;
  const header = envelope?.Header as Record<string, unknown> | undefined;
  const body = envelope?.Body as Record<string, unknown> | undefined;
  if (!body || !('Probe' in body)) return undefined;
  const messageId = textOf(header?.MessageID);
  if (!messageId) return undefined;
  const types = (textOf((body.Probe as Record<string, unknown> | undefined)?.Types) ?? '').split(/\s+/).filter(Boolean);
  if (types.length > 0 && !types.some((type) => ONVIF_TYPES.test(type))) return undefined;
  return { messageId };
}

const scope = (kind: string, value: string) => `onvif://www.onvif.org/${kind}/${encodeURIComponent(value)}`;

export function probeMatches(relatesTo: string, cameras: readonly DiscoverableCamera[]): string {
  const matches = cameras
    .map((camera) => {
      const scopes = [
        'onvif://www.onvif.org/Profile/Streaming',
        'onvif://www.onvif.org/type/video_encoder',
        camera.ptz ? 'onvif://www.onvif.org/type/ptz' : 'onvif://www.onvif.org/type/Network_Video_Transmitter',
        scope('name', camera.name),
        scope('hardware', camera.hardware),
        scope('location', camera.location),
      ];
      return (
        `<d:ProbeMatch><a:EndpointReference><a:Address>${escapeXml(camera.endpoint)}</a:Address></a:EndpointReference>` +
        `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>${escapeXml(scopes.join(' '))}</d:Scopes>` +
        `<d:XAddrs>${escapeXml(camera.xaddr)}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch>`
      );
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
    '<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>' +
    `<a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo>` +
    '<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To></s:Header>' +
    `<s:Body><d:ProbeMatches>${matches}</d:ProbeMatches></s:Body></s:Envelope>`
  );
}

export interface DiscoveryResponder {
  /** Probes answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/**
 * Answers Probes received on `interfaceAddress` (joined to the multicast group there only).
 * `cameras` is read at each Probe, so cameras that come and go are answered for as they are.
 */
export function startDiscoveryResponder(options: {
  interfaceAddress: string;
  port?: number;
  cameras: () => readonly DiscoverableCamera[];
}): Promise<DiscoveryResponder> {
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  let answered = 0;
  socket.on('message', (datagram, remote) => {
    if (datagram.length > MAX_PROBE_BYTES) return;
    const probe = readProbe(datagram.toString('utf8'));
    const cameras = options.cameras();
    if (!probe || cameras.length === 0) return;
    answered += 1;
    // One datagram per camera keeps each under a typical MTU.
    for (const camera of cameras) socket.send(Buffer.from(probeMatches(probe.messageId, [camera]), 'utf8'), remote.port, remote.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port: options.port ?? 3702 }, () => {
      try {
        socket.addMembership('239.255.255.250', options.interfaceAddress);
      } catch (error) {
        socket.close();
        reject(error);
        return;
      }
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({
        get answered() {
          return answered;
        },
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
