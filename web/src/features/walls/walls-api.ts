// The calls of the video walls. Their shapes are the server's (api/types.ts, generated from the
// OpenAPI document).
import { api } from '../../api/client.ts';
import type { WallPush } from '../../api/types.ts';

export const wallsApi = {
  list: () => api('GET', '/api/walls'),
  create: (name: string) => api('POST', '/api/walls', { json: { name } }),
  remove: (id: string) => api('DELETE', '/api/walls/{id}', { path: { id } }),
  push: (id: string, push: WallPush) => api('PUT', '/api/walls/{id}/layout', { path: { id }, json: push }),
  eventsUrl: (id: string) => `/api/walls/${encodeURIComponent(id)}/events`,
};
