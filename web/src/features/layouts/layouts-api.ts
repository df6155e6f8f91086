// The calls of the saved layouts (mosaïques enregistrées). Their shapes are the server's
// (api/types.ts, generated from the OpenAPI document).
import { api } from '../../api/client.ts';
import type { LayoutDraft } from '../../api/types.ts';

export const layoutsApi = {
  list: () => api('GET', '/api/layouts'),
  create: (draft: LayoutDraft) => api('POST', '/api/layouts', { json: draft }),
  update: (id: string, draft: LayoutDraft) => api('PUT', '/api/layouts/{id}', { path: { id }, json: draft }),
  remove: (id: string) => api('DELETE', '/api/layouts/{id}', { path: { id } }),
};
