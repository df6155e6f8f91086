// The API shapes and calls of the live screens: saved layouts, video walls, PTZ and patrol
// tours (the issue 5 contract). Kept beside the feature; api/types.ts holds the shared shapes.
import { api } from '../../api/client.ts';
import type { Grid } from './live-grid.ts';

export interface SavedLayout {
  id: string;
  name: string;
  grid: Grid;
  tiles: (string | null)[];
  shared: boolean;
  ownerLogin: string;
  mine: boolean;
  updatedAt: string;
}

export interface LayoutDraft { name: string; grid: Grid; tiles: (string | null)[]; shared: boolean }

export interface WallTour { cameraIds: string[]; intervalSeconds: number }

export interface Wall {
  id: string;
  name: string;
  grid: Grid;
  tiles: (string | null)[];
  tour: WallTour | null;
  updatedAt: string;
  updatedBy: string | null;
}

export interface WallPush { grid: Grid; tiles: (string | null)[]; tour: WallTour | null }

export interface PtzLock {
  holderLogin: string;
  holderRole: string;
  takeover: boolean;
  priority: number;
  acquiredAt: string;
  expiresAt: string;
  mine: boolean;
}

export interface PtzPreset { token: string; name: string }

export interface PtzTourStep { presetToken: string; dwellSeconds: number }

export interface PtzTour {
  id: string;
  cameraId?: string;
  name: string;
  steps: PtzTourStep[];
  activeFrom?: string | null;
  activeTo?: string | null;
  enabled: boolean;
  /** Enabled and within its window now. */
  activeNow?: boolean;
  /** The patrol holds the camera for this tour now. */
  running?: boolean;
}

export interface PtzTourDraft { name: string; steps: PtzTourStep[]; activeFrom?: string | null; activeTo?: string | null; enabled: boolean }

export interface PtzState {
  supported: boolean;
  lock: PtzLock | null;
  presets: PtzPreset[];
  position: { pan: number; tilt: number; zoom: number } | null;
  tours?: PtzTour[];
  /** Why presets and position could not be read from the camera just now (null: they were). */
  cameraError?: string | null;
}

export interface PtzVelocity { pan: number; tilt: number; zoom: number }

const cameraPath = (cameraId: string) => `/api/cameras/${encodeURIComponent(cameraId)}`;

export const layoutsApi = {
  list: () => api<SavedLayout[]>('GET', '/api/layouts'),
  create: (draft: LayoutDraft) => api<SavedLayout>('POST', '/api/layouts', { json: draft }),
  update: (id: string, draft: LayoutDraft) => api<SavedLayout>('PUT', `/api/layouts/${encodeURIComponent(id)}`, { json: draft }),
  remove: (id: string) => api<void>('DELETE', `/api/layouts/${encodeURIComponent(id)}`),
};

export const wallsApi = {
  list: () => api<Wall[]>('GET', '/api/walls'),
  create: (name: string) => api<Wall>('POST', '/api/walls', { json: { name } }),
  remove: (id: string) => api<void>('DELETE', `/api/walls/${encodeURIComponent(id)}`),
  push: (id: string, push: WallPush) => api<Wall>('PUT', `/api/walls/${encodeURIComponent(id)}/layout`, { json: push }),
  eventsUrl: (id: string) => `/api/walls/${encodeURIComponent(id)}/events`,
};

export const ptzApi = {
  // Polled while the panel shows: a background call, it does not keep an idle session alive.
  state: (cameraId: string) => api<PtzState>('GET', `${cameraPath(cameraId)}/ptz`, { background: true }),
  lock: (cameraId: string, takeover: boolean) => api<PtzLock>('POST', `${cameraPath(cameraId)}/ptz/lock`, { json: { takeover } }),
  release: (cameraId: string) => api<void>('DELETE', `${cameraPath(cameraId)}/ptz/lock`),
  move: (cameraId: string, velocity: PtzVelocity) => api<unknown>('POST', `${cameraPath(cameraId)}/ptz/move`, { json: velocity }),
  stop: (cameraId: string) => api<unknown>('POST', `${cameraPath(cameraId)}/ptz/stop`, { json: {} }),
  gotoPreset: (cameraId: string, token: string) => api<unknown>('POST', `${cameraPath(cameraId)}/ptz/presets/${encodeURIComponent(token)}/goto`, { json: {} }),
  savePreset: (cameraId: string, name: string) => api<PtzPreset>('POST', `${cameraPath(cameraId)}/ptz/presets`, { json: { name } }),
  tours: (cameraId: string) => api<PtzTour[]>('GET', `${cameraPath(cameraId)}/ptz/tours`),
  createTour: (cameraId: string, draft: PtzTourDraft) => api<PtzTour>('POST', `${cameraPath(cameraId)}/ptz/tours`, { json: draft }),
  updateTour: (id: string, draft: PtzTourDraft) => api<PtzTour>('PUT', `/api/ptz/tours/${encodeURIComponent(id)}`, { json: draft }),
  removeTour: (id: string) => api<void>('DELETE', `/api/ptz/tours/${encodeURIComponent(id)}`),
};

/** A tour as the body of a PUT (every field, the window null when there is none): only `enabled` changed. */
export function tourWithEnabled(tour: PtzTour, enabled: boolean): PtzTourDraft {
  const steps = tour.steps.map((step) => ({ presetToken: step.presetToken, dwellSeconds: step.dwellSeconds }));
  return { name: tour.name, steps, activeFrom: tour.activeFrom ?? null, activeTo: tour.activeTo ?? null, enabled };
}
