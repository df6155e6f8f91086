// A camera's device facts as it reports them over ONVIF: manufacturer, model, firmware and
// serial (GetDeviceInformation), MAC addresses (GetNetworkInterfaces), and its clock offset
// (GetSystemDateAndTime, read again now), for the inventory comparison and the health checks.
import type { OnvifCamera, OnvifClient } from './client.ts';
import { deviceRequests, readDeviceInformation, readMacAddresses, type DeviceInformation } from './device-messages.ts';
import type { OnvifAuthMode } from './quirks.ts';
import { OnvifError } from './transport.ts';

export interface DeviceFacts extends DeviceInformation {
  macAddresses: string[];
  /** Camera clock minus ours, in ms; null when the camera does not say its time. */
  clockOffsetMs: number | null;
  /** How the camera accepted to be authenticated. */
  auth: OnvifAuthMode;
}

export async function readDeviceFacts(client: OnvifClient, camera: OnvifCamera): Promise<DeviceFacts> {
  const clockOffsetMs = await client.relearnClock(camera);
  const information = readDeviceInformation(await client.call(camera, 'device', deviceRequests.getDeviceInformation()));
  let macAddresses: string[] = [];
  try {
    macAddresses = readMacAddresses(await client.call(camera, 'device', deviceRequests.getNetworkInterfaces()));
  } catch (error) {
    // Some cameras keep their network settings to an administrator account: the other facts still count.
    if (!(error instanceof OnvifError) || (error.kind !== 'fault' && error.kind !== 'protocol')) throw error;
  }
  return { ...information, macAddresses, clockOffsetMs, auth: (await client.state(camera)).auth };
}
