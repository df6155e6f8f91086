// PTZ over HTTP: status, control lock (take, police take-over, release), commands (move, stop,
// presets) and patrol tours. Thin: validate, one service call, present; the services check
// the commune, the lock and audit. Errors: ptz_unsupported, ptz_locked and ptz_taken_over
// (409, details: holder, takeover, expiresAt), ptz_camera_error (502, details.reason).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { PtzService } from './ptz.service.ts';
import type { PtzToursService } from './ptz.tours.service.ts';
import {
  lockBodySchema,
  lockViewSchema,
  moveBodySchema,
  presetBodySchema,
  presetViewSchema,
  ptzStatusSchema,
  tourBodyDescription,
  tourReplaceBodyDescription,
  tourViewSchema,
} from './ptz.schemas.ts';

const idParams = z.object({ id: z.string() });
const presetParams = z.object({ id: z.string(), token: z.string().min(1).max(64) });
const tourBody = z.unknown().describe(tourBodyDescription);
const tourReplaceBody = z.unknown().describe(tourReplaceBodyDescription);

export const ptzRoutes: FastifyPluginAsync<{ services: PtzRouteServices }> = async (app, { services }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['PTZ'];
  const control = { access: 'ptz.control' } as const;

  routes.get(
    '/api/cameras/:id/ptz',
    {
      config: control,
      schema: { tags, summary: 'État PTZ : verrou, prépositions, position, rondes / PTZ status', params: idParams, response: { 200: ptzStatusSchema } },
    },
    (request) => services.ptz.status(request.params.id, requirePrincipal(request)),
  );

  // ptz.control at the route; a take-over also needs ptz.takeover, checked by the service.
  routes.post(
    '/api/cameras/:id/ptz/lock',
    {
      config: control,
      schema: {
        tags,
        summary: 'Prendre la main (takeover : prise de main police) / take the control lock',
        params: idParams,
        body: lockBodySchema,
        response: { 200: lockViewSchema },
      },
    },
    (request) => services.ptz.lock(request.params.id, request.body?.takeover ?? false, actingOf(request)),
  );

  routes.delete(
    '/api/cameras/:id/ptz/lock',
    {
      config: control,
      schema: { tags, summary: 'Rendre la main / release the control lock', params: idParams },
    },
    async (request, reply) => {
      await services.ptz.release(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  routes.post(
    '/api/cameras/:id/ptz/move',
    {
      config: control,
      schema: {
        tags,
        summary: 'Mouvement continu, arrêté par la caméra après 1 s sauf renouvellement / continuous move',
        params: idParams,
        body: moveBodySchema,
        response: { 200: lockViewSchema },
      },
    },
    (request) => services.ptz.move(request.params.id, request.body, actingOf(request)),
  );

  routes.post(
    '/api/cameras/:id/ptz/stop',
    {
      config: control,
      schema: { tags, summary: 'Arrêter le mouvement / stop moving', params: idParams, response: { 200: lockViewSchema } },
    },
    (request) => services.ptz.stop(request.params.id, actingOf(request)),
  );

  routes.post(
    '/api/cameras/:id/ptz/presets/:token/goto',
    {
      config: control,
      schema: { tags, summary: 'Aller à une préposition / go to a preset', params: presetParams, response: { 200: lockViewSchema } },
    },
    (request) => services.ptz.gotoPreset(request.params.id, request.params.token, actingOf(request)),
  );

  routes.post(
    '/api/cameras/:id/ptz/presets',
    {
      config: control,
      schema: {
        tags,
        summary: 'Enregistrer la position comme préposition / save a preset',
        params: idParams,
        body: presetBodySchema,
        response: { 201: presetViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await services.ptz.savePreset(request.params.id, request.body.name, actingOf(request))),
  );

  registerTourRoutes(app, services);
};

type PtzRouteServices = { ptz: PtzService; ptzTours: PtzToursService };

function registerTourRoutes(app: FastifyInstance, services: PtzRouteServices): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['PTZ'];

  routes.get(
    '/api/cameras/:id/ptz/tours',
    {
      config: { access: 'ptz.control' },
      schema: { tags, summary: 'Rondes virtuelles d’une caméra / a camera’s patrol tours', params: idParams, response: { 200: z.array(tourViewSchema) } },
    },
    (request) => services.ptzTours.list(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/cameras/:id/ptz/tours',
    {
      config: { access: 'ptz.tour.write' },
      schema: { tags, summary: 'Créer une ronde virtuelle / create a patrol tour', params: idParams, body: tourBody, response: { 201: tourViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await services.ptzTours.create(request.params.id, request.body, actingOf(request))),
  );

  routes.put(
    '/api/ptz/tours/:id',
    {
      config: { access: 'ptz.tour.write' },
      schema: {
        tags,
        summary: 'Remplacer une ronde virtuelle (tous les champs) / replace a patrol tour (every field)',
        params: idParams,
        body: tourReplaceBody,
        response: { 200: tourViewSchema },
      },
    },
    (request) => services.ptzTours.update(request.params.id, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/ptz/tours/:id',
    {
      config: { access: 'ptz.tour.write' },
      schema: { tags, summary: 'Supprimer une ronde virtuelle / delete a patrol tour', params: idParams },
    },
    async (request, reply) => {
      await services.ptzTours.remove(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );
}
