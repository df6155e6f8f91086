// The module contract (issue 10, STYLE.md): each module exposes one constructor,
// `create<Name>Module(deps)`, returning a `VigieModule`: its public services, its routes (a
// Fastify plugin registered with that module's own services as options, never a bag of all
// services), and its periodic jobs. server/src/services.ts is the ordered list of those
// constructions; app.ts registers every module's routes; main.ts starts the jobs of its roles.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Job } from './jobs.ts';

export interface ModuleRoutes {
  register(app: FastifyInstance): Promise<void>;
}

export interface VigieModule<Api> {
  readonly name: string;
  /** What other modules, the CLI and the tests may call. */
  readonly api: Api;
  readonly routes?: ModuleRoutes;
  readonly jobs: readonly Job[];
}

/** A plugin and the options it is registered with; the options are typed by the plugin. */
export function routesOf<Options extends Record<string, unknown>>(plugin: FastifyPluginAsync<Options>, options: Options): ModuleRoutes {
  return { register: async (app) => void (await app.register(plugin, options)) };
}
