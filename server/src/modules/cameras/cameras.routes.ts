import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { requestLimits } from '../../platform/http/limits.ts';
import { purposeLabels, purposes } from '../authorisations/index.ts';
import {
  cameraCreateSchema,
  cameraKindLabels,
  cameraKinds,
  cameraListQuerySchema,
  cameraPositionViewSchema,
  cameraStates,
  cameraUpdateSchema,
  cameraViewSchema,
  fieldClassLabels,
  fieldClasses,
  importProgressSchema,
  importQuerySchema,
  importResultSchema,
  vmsStatuses,
} from './cameras.schemas.ts';
import type { CamerasService } from './cameras.service.ts';

const tags = ['cameras'];
const idParams = z.object({ id: z.string() });
const labelled = z.array(z.object({ code: z.string(), fr: z.string(), en: z.string() }));
const exportQuery = cameraListQuerySchema.extend({ separator: z.enum(['comma', 'semicolon']).default('comma') });

export const camerasRoutes: FastifyPluginAsync<{ cameras: CamerasService }> = async (app, services) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/cameras',
    {
      config: { access: 'camera.read' },
      schema: { tags, summary: 'Caméras du périmètre / cameras in scope', querystring: cameraListQuerySchema, response: { 200: z.array(cameraViewSchema) } },
    },
    (request) => services.cameras.list(requirePrincipal(request), request.query),
  );

  routes.get(
    '/api/cameras/unauthorised',
    {
      config: { access: 'camera.read' },
      schema: {
        tags,
        summary: 'Caméras sans autorisation préfectorale valide / cameras without a valid authorisation',
        querystring: cameraListQuerySchema,
        response: { 200: z.array(cameraViewSchema) },
      },
    },
    (request) => services.cameras.unauthorised(requirePrincipal(request), request.query),
  );

  routes.get(
    '/api/cameras/reference-lists',
    {
      config: { access: 'camera.read' },
      schema: {
        tags,
        summary: 'Types, champs, états, finalités / kinds, field classes, states, purposes',
        response: {
          200: z.object({ kinds: labelled, fieldClasses: labelled, purposes: labelled, states: z.array(z.string()), vmsStatuses: z.array(z.string()) }),
        },
      },
    },
    () => ({
      kinds: cameraKinds.map((code) => ({ code, ...cameraKindLabels[code] })),
      fieldClasses: fieldClasses.map((code) => ({ code, ...fieldClassLabels[code] })),
      purposes: purposes.map((code) => ({ code, ...purposeLabels[code] })),
      states: [...cameraStates],
      vmsStatuses: [...vmsStatuses],
    }),
  );

  routes.get(
    '/api/cameras/export.csv',
    {
      config: { access: 'camera.export' },
      schema: { tags, summary: 'Export CSV de l’inventaire (sans identifiants) / inventory CSV export (no credentials)', querystring: exportQuery },
    },
    async (request, reply) => {
      const { separator, ...filter } = request.query;
      const csv = await services.cameras.exportCsv(actingOf(request), { ...filter, delimiter: separator === 'semicolon' ? ';' : ',' });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cameras.csv"').send(csv);
    },
  );

  routes.post(
    '/api/cameras/import',
    {
      config: { access: 'camera.import' },
      bodyLimit: requestLimits.importBodyBytes,
      schema: {
        tags,
        summary: 'Import CSV tout-ou-rien / all-or-nothing CSV import',
        consumes: ['text/csv'],
        querystring: importQuerySchema,
        body: z.string(),
        response: { 200: importResultSchema },
      },
    },
    (request) => services.cameras.importCsv(request.body, request.query, actingOf(request)),
  );

  routes.get(
    '/api/cameras/import/progress',
    {
      config: { access: 'camera.import' },
      schema: { tags, summary: 'Avancement de l’import en cours / progress of the running import', response: { 200: importProgressSchema } },
    },
    () => services.cameras.importProgress(),
  );

  routes.get(
    '/api/cameras/:id',
    {
      config: { access: 'camera.read' },
      schema: { tags, params: idParams, response: { 200: cameraViewSchema } },
    },
    (request) => services.cameras.get(request.params.id, requirePrincipal(request)),
  );

  routes.get(
    '/api/cameras/:id/positions',
    {
      config: { access: 'camera.read' },
      schema: {
        tags,
        summary: 'Historique des positions (R252-11) / position history',
        params: idParams,
        response: { 200: z.array(cameraPositionViewSchema) },
      },
    },
    (request) => services.cameras.positions(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/cameras',
    {
      config: { access: 'camera.write' },
      schema: { tags, summary: 'Déclarer une caméra / declare a camera', body: cameraCreateSchema, response: { 201: cameraViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await services.cameras.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/cameras/:id',
    {
      config: { access: 'camera.write' },
      schema: { tags, summary: 'Modifier une caméra / update a camera', params: idParams, body: cameraUpdateSchema, response: { 200: cameraViewSchema } },
    },
    (request) => services.cameras.update(request.params.id, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/cameras/:id',
    {
      config: { access: 'camera.write' },
      schema: { tags, summary: 'Mise hors service (jamais supprimée) / decommission (never deleted)', params: idParams, response: { 200: cameraViewSchema } },
    },
    (request) => services.cameras.decommission(request.params.id, actingOf(request)),
  );
};
