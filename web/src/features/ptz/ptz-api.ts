// The calls of PTZ control and patrol tours. Their shapes are the server's (api/types.ts,
// generated from the OpenAPI document).
import { api } from '../../api/client.ts';
import type { PtzTour, PtzTourDraft, PtzVelocity } from '../../api/types.ts';

export const ptzApi = {
  // Polled while the panel shows: a background call, it does not keep an idle session alive.
  state: (id: string) => api('GET', '/api/cameras/{id}/ptz', { path: { id }, background: true }),
  lock: (id: string, takeover: boolean) => api('POST', '/api/cameras/{id}/ptz/lock', { path: { id }, json: { takeover } }),
  release: (id: string) => api('DELETE', '/api/cameras/{id}/ptz/lock', { path: { id } }),
  move: (id: string, velocity: PtzVelocity) => api('POST', '/api/cameras/{id}/ptz/move', { path: { id }, json: velocity }),
  stop: (id: string) => api('POST', '/api/cameras/{id}/ptz/stop', { path: { id } }),
  gotoPreset: (id: string, token: string) => api('POST', '/api/cameras/{id}/ptz/presets/{token}/goto', { path: { id, token } }),
  savePreset: (id: string, name: string) => api('POST', '/api/cameras/{id}/ptz/presets', { path: { id }, json: { name } }),
  tours: (id: string) => api('GET', '/api/cameras/{id}/ptz/tours', { path: { id } }),
  createTour: (cameraId: string, draft: PtzTourDraft) => api('POST', '/api/cameras/{id}/ptz/tours', { path: { id: cameraId }, json: draft }),
  updateTour: (id: string, draft: PtzTourDraft) => api('PUT', '/api/ptz/tours/{id}', { path: { id }, json: draft }),
  removeTour: (id: string) => api('DELETE', '/api/ptz/tours/{id}', { path: { id } }),
};

/** A tour as the body of a PUT (every field, the window null when there is none): only `enabled` changed. */
export function tourWithEnabled(tour: PtzTour, enabled: boolean): PtzTourDraft {
  const steps = tour.steps.map((step) => ({ presetToken: step.presetToken, dwellSeconds: step.dwellSeconds }));
  return { name: tour.name, steps, activeFrom: tour.activeFrom ?? null, activeTo: tour.activeTo ?? null, enabled };
}
