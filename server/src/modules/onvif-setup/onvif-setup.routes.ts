// Adding a camera from ONVIF and WS-Discovery over HTTP, for administrators. Thin: validate,
// authorise (declared action), one service call, present. Nothing here echoes credentials.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf } from '../../platform/http/context.ts';
import { cameraViewSchema } from '../cameras/index.ts';
import type { OnvifSetupService } from './onvif-setup.service.ts';
import {
  discoveredDeviceSchema,
  discoveryBodySchema,
  networkInterfaceSchema,
  onvifCameraCreateSchema,
  probeAnswerSchema,
  probeBodySchema,
} from './onvif-setup.schemas.ts';

const tags = ['cameras'];

export const onvifSetupRoutes: FastifyPluginAsync<{ service: OnvifSetupService }> = async (app, { service }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/api/cameras/onvif/probe',
    {
      config: { access: 'camera.onvif' },
      schema: {
        tags,
        summary: 'Lire les profils ONVIF d’une caméra / read a camera’s ONVIF profiles',
        body: probeBodySchema,
        response: { 200: probeAnswerSchema },
      },
    },
    (request) => service.probe(request.body),
  );

  routes.post(
    '/api/cameras/onvif',
    {
      config: { access: 'camera.onvif' },
      schema: {
        tags,
        summary: 'Déclarer une caméra depuis ses profils ONVIF / declare a camera from its ONVIF profiles',
        body: onvifCameraCreateSchema,
        response: { 201: cameraViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.body, actingOf(request))),
  );

  routes.get(
    '/api/onvif/interfaces',
    {
      config: { access: 'camera.onvif' },
      schema: {
        tags,
        summary: 'Interfaces réseau pour la découverte / network interfaces for discovery',
        response: { 200: z.array(networkInterfaceSchema).max(256) },
      },
    },
    () => service.interfaces(),
  );

  routes.post(
    '/api/onvif/discovery',
    {
      config: { access: 'camera.onvif' },
      schema: {
        tags,
        summary: 'Découverte WS-Discovery sur une interface / WS-Discovery on one interface',
        body: discoveryBodySchema,
        response: { 200: z.array(discoveredDeviceSchema) },
      },
    },
    (request) => service.discover(request.body),
  );
};
