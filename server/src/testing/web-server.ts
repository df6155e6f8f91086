// A test Vigie listening on loopback with the console (app.ts serves web/dist), for the
// browser tests.
import type { TestContext } from './context.ts';

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

export async function startConsoleServer(context: TestContext): Promise<ConsoleServer> {
  const url = await context.app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => context.app.close() };
}
