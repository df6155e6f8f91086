// Starts a TCP or HTTP server on a loopback address; resolves with the port it got (0 = any).
import type { Server } from 'node:net';

export function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
