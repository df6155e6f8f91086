// The ONVIF device management messages Vigie sends (ver10/device/wsdl), pure: the camera's
// clock, where its services are (GetCapabilities, GetServices), and its device facts
// (GetDeviceInformation: manufacturer, model, firmware, serial; GetNetworkInterfaces: MAC).
import { child, list, NAMESPACES, text, type XmlNode } from './soap.ts';

/** The services Vigie may call, by name; each is found at the address the camera gives for its namespace. */
export const SERVICE_NAMESPACES = {
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  media2: 'http://www.onvif.org/ver20/media/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  events: 'http://www.onvif.org/ver10/events/wsdl',
  imaging: 'http://www.onvif.org/ver20/imaging/wsdl',
} as const;

export type OnvifServiceName = keyof typeof SERVICE_NAMESPACES;
export type ServiceAddresses = Partial<Record<OnvifServiceName, string>>;

export interface DeviceInformation {
  manufacturer: string | null;
  model: string | null;
  firmwareVersion: string | null;
  serialNumber: string | null;
  hardwareId: string | null;
}

export const deviceRequests = {
  getSystemDateAndTime: () => '<tds:GetSystemDateAndTime/>',
  getCapabilities: () => '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>',
  getServices: () => '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>',
  getDeviceInformation: () => '<tds:GetDeviceInformation/>',
  getNetworkInterfaces: () => '<tds:GetNetworkInterfaces/>',
};

/** The local name of a request body's first element (`<tptz:Stop>` -> `Stop`). */
export function actionOf(bodyXml: string): string {
  return /^\s*<(?:[\w-]+:)?([\w-]+)/.exec(bodyXml)?.[1] ?? '';
}

/** The SOAP action URI of a request body (SOAP 1.2 carries it in the content type). */
export function soapAction(bodyXml: string): string {
  const match = /^\s*<([\w-]+):([\w-]+)/.exec(bodyXml);
  const namespace = match ? (NAMESPACES as Record<string, string>)[match[1]!] : undefined;
  return match && namespace ? `${namespace}/${match[2]}` : '';
}

const integer = (node: unknown) => Number(text(node));

/** The camera's UTC clock from GetSystemDateAndTime, in epoch ms; undefined when unreadable. */
export function readSystemDateAndTime(body: XmlNode): number | undefined {
  const utc = child(child(body, 'SystemDateAndTime'), 'UTCDateTime');
  const date = child(utc, 'Date');
  const time = child(utc, 'Time');
  const parts = [
    integer(child(date, 'Year')),
    integer(child(date, 'Month')),
    integer(child(date, 'Day')),
    integer(child(time, 'Hour')),
    integer(child(time, 'Minute')),
    integer(child(time, 'Second')),
  ];
  if (parts.some((part) => !Number.isInteger(part))) return undefined;
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** Service addresses from GetCapabilities (ONVIF 1.x: one XAddr per category). */
export function readCapabilities(body: XmlNode): ServiceAddresses {
  const capabilities = child(body, 'Capabilities');
  const addresses: ServiceAddresses = {};
  const categories: [OnvifServiceName, string][] = [
    ['device', 'Device'],
    ['media', 'Media'],
    ['ptz', 'PTZ'],
    ['events', 'Events'],
    ['imaging', 'Imaging'],
  ];
  for (const [name, category] of categories) {
    const url = text(child(child(capabilities, category), 'XAddr'));
    if (url) addresses[name] = url;
  }
  return addresses;
}

/** Service addresses from GetServices (ONVIF 2.x: one entry per namespace). */
export function readServices(body: XmlNode): ServiceAddresses {
  const addresses: ServiceAddresses = {};
  const byNamespace = new Map<string, OnvifServiceName>(Object.entries(SERVICE_NAMESPACES).map(([name, namespace]) => [namespace, name as OnvifServiceName]));
  for (const service of list(child(body, 'Service'))) {
    const name = byNamespace.get(text(child(service, 'Namespace')) ?? '');
    const url = text(child(service, 'XAddr'));
    if (name && url) addresses[name] = url;
  }
  return addresses;
}

const field = (node: unknown, name: string) => text(child(node, name))?.slice(0, 200) || null;

export function readDeviceInformation(body: XmlNode): DeviceInformation {
  return {
    manufacturer: field(body, 'Manufacturer'),
    model: field(body, 'Model'),
    firmwareVersion: field(body, 'FirmwareVersion'),
    serialNumber: field(body, 'SerialNumber'),
    hardwareId: field(body, 'HardwareId'),
  };
}

/** A MAC address written `aa:bb:cc:dd:ee:ff`; null when the text is not one. */
export function normaliseMac(value: string | null | undefined): string | null {
  const digits = (value ?? '').replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  if (digits.length !== 12 || !/^[0-9a-f:.\-\s]+$/i.test(value ?? '')) return null;
  return digits.match(/../g)!.join(':');
}

/** The MAC addresses of the camera's network interfaces (GetNetworkInterfaces), normalised, without duplicates. */
export function readMacAddresses(body: XmlNode): string[] {
  const macs = list(child(body, 'NetworkInterfaces')).map((item) => normaliseMac(text(child(child(item, 'Info'), 'HwAddress'))));
  return [...new Set(macs.filter((mac): mac is string => mac !== null))].slice(0, 8);
}
