// PLACEHOLDER: replaced by the cameras module implementation.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';

export function registerCameraRoutes(_app: FastifyInstance, _services: Services): void {}
