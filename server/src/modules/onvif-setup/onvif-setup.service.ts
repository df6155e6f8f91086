// Adding a camera from its ONVIF address, and finding cameras by WS-Discovery (issue 18, items
// 5 and 7). The probe reads the device facts and media profiles (media2 when the camera has it,
// else media), asks each profile's stream and snapshot URIs, proposes the main and sub-streams,
// and checks each against the legal floors (A2007, LEGAL 13-14) for the camera's field class and
// site. Creating reads the profiles again (what was shown may be stale) and refuses a recorded
// stream below the floors before anything is stored; the inventory's create does the rest (its
// checks, its audit row). Credentials go to the camera only: never logged, never answered back.
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';
import {
  mediaRequests,
  OnvifError,
  onConfiguredHost,
  proposeStreams,
  readDeviceFacts,
  readMediaProfiles,
  readMediaUri,
  type DiscoveredDevice,
  type MediaProfile,
  type MediaVersion,
  type OnvifCamera,
  type OnvifClient,
  type ProbeInterface,
} from '../../platform/onvif/index.ts';
import type { CameraCreate, CameraView } from '../cameras/index.ts';
import { busySiteKinds, qualityFloor, qualityProblems } from '../recording/index.ts';
import type { Acting } from '../sites/index.ts';
import { parseInput } from '../sites/index.ts';
import {
  onvifCameraCreateSchema,
  probeBodySchema,
  type OnvifCameraCreate,
  type ProbeAnswer,
  type ProbeBody,
  type ProbedProfile,
} from './onvif-setup.schemas.ts';

export interface OnvifSetupDeps {
  client: OnvifClient;
  cameras: { create(input: CameraCreate, acting: Acting): Promise<CameraView> };
  /** The kind of a site (busy pedestrian places have a higher frame-rate floor); null when unknown. */
  siteKind(siteId: string): Promise<string | null>;
  interfaces(): ProbeInterface[];
  probe(options: { interfaceAddress: string; timeoutMs: number }): Promise<DiscoveredDevice[]>;
  /** The whole probe of a camera (every request together), 20 s. */
  probeDeadlineMs?: number;
}

export class OnvifSetupService {
  constructor(private readonly deps: OnvifSetupDeps) {}

  async probe(input: ProbeBody): Promise<ProbeAnswer> {
    const body = parseInput(probeBodySchema, input);
    const busy = body.siteId ? busySiteKinds.has((await this.deps.siteKind(body.siteId)) ?? '') : false;
    const floor = qualityFloor(body.fieldClass, busy);
    const target: OnvifCamera = { cameraId: `probe-${randomUUID()}`, deviceUrl: body.onvifUrl, credentials: body.credentials };
    try {
      return await this.withDeadline(this.read(target, floor));
    } catch (error) {
      throw asDomainError(error);
    } finally {
      this.deps.client.forget(target.cameraId);
    }
  }

  async create(input: OnvifCameraCreate, acting: Acting): Promise<CameraView> {
    const data = parseInput(onvifCameraCreateSchema, input);
    const answer = await this.probe({ onvifUrl: data.onvifUrl, credentials: data.credentials, fieldClass: data.fieldClass, siteId: data.siteId });
    const main = answer.profiles.find((profile) => profile.token === data.mainProfileToken);
    const sub = data.subProfileToken === null ? null : answer.profiles.find((profile) => profile.token === data.subProfileToken);
    if (!main || sub === undefined) {
      throw new DomainError('validation_failed', {
        fr: 'Ce profil ONVIF n’existe plus sur la caméra : relancez la lecture des profils.',
        en: 'This ONVIF profile no longer exists on the camera: read the profiles again.',
        details: [{ field: main ? 'subProfileToken' : 'mainProfileToken', problem: 'unknown profile' }],
      });
    }
    if (!main.streamUrl || (sub && !sub.streamUrl)) {
      throw new DomainError('onvif_camera_error', {
        fr: 'La caméra n’a pas donné l’adresse RTSP de ce profil.',
        en: 'The camera gave no RTSP address for this profile.',
      });
    }
    if (main.belowFloor.length > 0) throw belowFloor(main, answer.floor);
    const { mainProfileToken: _main, subProfileToken: _sub, ...camera } = data;
    return this.deps.cameras.create(
      {
        ...camera,
        model: camera.model ?? answer.model,
        macAddress: camera.macAddress ?? answer.macAddress,
        mainStreamUrl: main.streamUrl,
        subStreamUrl: sub?.streamUrl ?? null,
      },
      acting,
    );
  }

  interfaces(): ProbeInterface[] {
    return this.deps.interfaces();
  }

  /** WS-Discovery on the named interface only. */
  async discover(input: { interface: string; timeoutMs: number }): Promise<DiscoveredDevice[]> {
    const chosen = this.deps.interfaces().find((candidate) => candidate.name === input.interface);
    if (!chosen) throw new DomainError('network_interface_invalid', { details: [{ field: 'interface', problem: 'unknown interface' }] });
    return this.deps.probe({ interfaceAddress: chosen.address, timeoutMs: input.timeoutMs });
  }

  private async read(target: OnvifCamera, floor: ProbeAnswer['floor']): Promise<ProbeAnswer> {
    const client = this.deps.client;
    const facts = await readDeviceFacts(client, target).catch((error: unknown) => {
      // Device facts are a help (model, MAC); a camera that keeps them to itself can still be added.
      if (error instanceof OnvifError && (error.kind === 'unreachable' || error.kind === 'unauthorized')) throw error;
      return null;
    });
    const { version, profiles } = await this.profiles(target);
    const probed: ProbedProfile[] = [];
    for (const profile of profiles.slice(0, 16)) {
      const stream = await this.uri(target, version, mediaRequests.getStreamUri(version, profile.token));
      const snapshot = await this.uri(target, version, mediaRequests.getSnapshotUri(version, profile.token));
      const measured = { width: profile.width ?? 0, height: profile.height ?? 0, fps: profile.fps ?? 0 };
      probed.push({
        token: profile.token,
        name: profile.name,
        codec: profile.codec,
        width: profile.width,
        height: profile.height,
        fps: profile.fps,
        bitrateKbps: profile.bitrateKbps,
        streamUrl: stream && onConfiguredHost(stream, target.deviceUrl).url,
        streamUrlRewritten: stream !== null && onConfiguredHost(stream, target.deviceUrl).rewritten,
        snapshotUrl: snapshot && onConfiguredHost(snapshot, target.deviceUrl).url,
        belowFloor: qualityProblems(measured, floor),
      });
    }
    const proposal = proposeStreams(profiles);
    return {
      onvifUrl: target.deviceUrl,
      manufacturer: facts?.manufacturer ?? null,
      model: facts?.model ?? null,
      firmwareVersion: facts?.firmwareVersion ?? null,
      serialNumber: facts?.serialNumber ?? null,
      macAddress: facts?.macAddresses[0] ?? null,
      media: version,
      profiles: probed,
      proposal: { mainProfileToken: proposal.main?.token ?? null, subProfileToken: proposal.sub?.token ?? null },
      floor,
    };
  }

  /** Media2 (Profile T) when the camera offers it, else media (Profile S). */
  private async profiles(target: OnvifCamera): Promise<{ version: MediaVersion; profiles: MediaProfile[] }> {
    for (const version of ['media2', 'media'] as const) {
      try {
        const profiles = readMediaProfiles(version, await this.deps.client.call(target, version, mediaRequests.getProfiles(version)));
        if (profiles.length > 0 || version === 'media') return { version, profiles };
      } catch (error) {
        if (!(error instanceof OnvifError) || version === 'media' || (error.kind !== 'unsupported' && error.kind !== 'fault')) throw error;
      }
    }
    throw new OnvifError('unsupported', 'the camera offers no ONVIF media service');
  }

  private async uri(target: OnvifCamera, version: MediaVersion, request: string): Promise<string | null> {
    try {
      const uri = readMediaUri(await this.deps.client.call(target, version, request));
      return uri === null ? null : withoutUserInfo(uri);
    } catch (error) {
      if (error instanceof OnvifError && (error.kind === 'fault' || error.kind === 'protocol')) return null;
      throw error;
    }
  }

  private withDeadline<T>(work: Promise<T>): Promise<T> {
    const ms = this.deps.probeDeadlineMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OnvifError('unreachable', `the camera did not finish answering within ${ms / 1000} s`)), ms);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }
}

/** A URI without the user-info some cameras put in it (credentials are kept apart, sealed). */
function withoutUserInfo(uri: string): string {
  try {
    const url = new URL(uri);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return uri;
  }
}

function belowFloor(profile: ProbedProfile, floor: ProbeAnswer['floor']): DomainError {
  const size = `${profile.width ?? '?'}x${profile.height ?? '?'}`;
  return new DomainError('stream_below_floor', {
    fr: `Le profil « ${profile.name} » (${size}, ${profile.fps ?? '?'} im/s) est sous le plancher légal (${floor.minWidth}x${floor.minHeight}, ${floor.minFps} im/s) : choisissez un autre profil ou réglez la caméra. Rien n’a été enregistré.`,
    en: `Profile "${profile.name}" (${size}, ${profile.fps ?? '?'} fps) is below the legal floor (${floor.minWidth}x${floor.minHeight}, ${floor.minFps} fps): choose another profile or set the camera up. Nothing was stored.`,
    details: [{ field: 'mainProfileToken', problem: profile.belowFloor.join(', ') }],
  });
}

function asDomainError(error: unknown): unknown {
  if (!(error instanceof OnvifError)) return error;
  if (error.kind === 'unauthorized') return new DomainError('onvif_credentials_refused');
  const reason = error.reason.slice(0, 300);
  return new DomainError('onvif_camera_error', {
    fr: `La caméra n’a pas répondu comme attendu en ONVIF : ${reason}.`,
    en: `The camera did not answer as expected over ONVIF: ${reason}.`,
  });
}
