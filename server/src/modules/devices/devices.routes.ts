// A camera's ONVIF device facts and quirk record over HTTP. Thin: validate, one service call,
// present; the service checks the commune and audits. Reading needs camera.read; reading the
// facts again now and overriding the quirks need camera.write (administrators).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { DevicesService } from './devices.service.ts';
import { deviceViewSchema, quirksUpdateSchema } from './devices.schemas.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

export const devicesRoutes: FastifyPluginAsync<{ devices: DevicesService }> = async (app, { devices }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Cameras'];

  routes.get(
    '/api/cameras/:id/device',
    {
      config: { access: 'camera.read' },
      schema: {
        tags,
        summary: 'Faits ONVIF (modèle, firmware, MAC, horloge) et particularités / ONVIF device facts and quirks',
        params: idParams,
        response: { 200: deviceViewSchema },
      },
    },
    (request) => devices.view(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/cameras/:id/device/refresh',
    {
      config: { access: 'camera.write' },
      schema: { tags, summary: 'Relire les faits ONVIF maintenant / read the device facts now', params: idParams, response: { 200: deviceViewSchema } },
    },
    (request) => devices.refresh(request.params.id, requirePrincipal(request)),
  );

  routes.put(
    '/api/cameras/:id/device/quirks',
    {
      config: { access: 'camera.write' },
      schema: {
        tags,
        summary: 'Imposer des particularités ONVIF (remplace la saisie précédente) / override the ONVIF quirks',
        params: idParams,
        body: quirksUpdateSchema,
        response: { 200: deviceViewSchema },
      },
    },
    (request) => devices.setQuirks(request.params.id, request.body, actingOf(request)),
  );
};
