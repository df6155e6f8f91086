// Privacy masks over HTTP (LEGAL 4): list a camera's masks and mode, create, edit, delete a
// mask, choose the mode; every change audited by the service. The console's editor (issue 5)
// draws on these routes.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { maskCreateSchema, maskModes, maskUpdateSchema } from './masks.rules.ts';
import type { MasksService } from './masks.service.ts';

const idParams = z.object({ id: z.string() });
const maskSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  communeInsee: z.string(),
  presetToken: z.string().nullable(),
  name: z.string(),
  polygons: z.array(z.array(z.tuple([z.number(), z.number()]).readonly()).readonly()),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const cameraMasksSchema = z.object({
  cameraId: z.string(),
  communeInsee: z.string(),
  mode: z.enum(maskModes),
  modeChosen: z.boolean(),
  masks: z.array(maskSchema),
});
const modeSchema = z.object({
  cameraId: z.string(),
  communeInsee: z.string(),
  mode: z.enum(maskModes),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

export const masksRoutes: FastifyPluginAsync<{ masks: MasksService }> = async (app, { masks }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['privacy masks'];

  routes.get(
    '/api/cameras/:id/masks',
    {
      config: { access: 'mask.read' },
      schema: { tags, summary: 'Masques de vie privée d’une caméra / a camera’s privacy masks', params: idParams, response: { 200: cameraMasksSchema } },
    },
    (request) => masks.list(request.params.id, requirePrincipal(request)),
  );

  routes.put(
    '/api/cameras/:id/masks/mode',
    {
      config: { access: 'mask.write' },
      schema: {
        tags,
        summary: 'Masquage par la caméra ou par Vigie / masked by the camera or by Vigie',
        params: idParams,
        body: z.object({ mode: z.enum(maskModes) }).strict(),
        response: { 200: modeSchema },
      },
    },
    (request) => masks.setMode(request.params.id, request.body.mode, actingOf(request)),
  );

  routes.post(
    '/api/masks',
    {
      config: { access: 'mask.write' },
      schema: { tags, summary: 'Créer un masque / create a mask', body: maskCreateSchema, response: { 201: maskSchema } },
    },
    async (request, reply) => reply.status(201).send(await masks.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/masks/:id',
    {
      config: { access: 'mask.write' },
      schema: { tags, summary: 'Modifier un masque / edit a mask', params: idParams, body: maskUpdateSchema, response: { 200: maskSchema } },
    },
    (request) => masks.update(request.params.id, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/masks/:id',
    {
      config: { access: 'mask.write' },
      schema: { tags, summary: 'Supprimer un masque / delete a mask', params: idParams },
    },
    async (request, reply) => {
      await masks.remove(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );
};
