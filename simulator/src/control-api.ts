// The simulator's HTTP control API (loopback only), used by the CLI and by tests to list
// cameras and to turn faults on and off, now or on a schedule.
//   GET    /cameras                      every camera (SimCameraInfo)
//   GET    /cameras/:id                  one camera
//   POST   /cameras/:id/faults           body: a fault, e.g. {"kind":"low_fps","fps":4}
//   DELETE /cameras/:id/faults[/:kind]   clear all faults, or one kind
//   POST   /cameras/:id/schedule         body: [{"atSeconds":5,"durationSeconds":10,"fault":{...}}]
//   POST   /cameras/:id/events           body: an ONVIF event, e.g. {"kind":"motion","active":true}, {"kind":"reboot","downSeconds":2}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimCameraInfo } from './camera.ts';
import { cameraEventSchema, type CameraEventCommand } from './onvif/events-service.ts';
import { FAULT_KINDS, faultSchema, scheduledFaultSchema, type Fault, type FaultKind, type ScheduledFault } from './faults.ts';

export interface ControlTarget {
  list(): SimCameraInfo[];
  camera(id: string): SimCameraInfo | undefined;
  setFault(id: string, fault: Fault): Promise<void>;
  clearFault(id: string, kind?: FaultKind): Promise<void>;
  scheduleFaults(id: string, items: ScheduledFault[]): void;
  sendEvent(id: string, event: CameraEventCommand): Promise<void>;
}

export function startControlApi(target: ControlTarget, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    handle(target, request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address() as { port: number };
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (response.headersSent) return;
  if (body === undefined) response.writeHead(status).end();
  else response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

async function handle(target: ControlTarget, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/cameras') return send(response, 200, target.list());
  const match = /^\/cameras\/([^/]+)(?:\/(faults|schedule|events)(?:\/([a-z_]+))?)?$/.exec(path);
  const id = match ? decodeURIComponent(match[1] ?? '') : '';
  if (!match || !target.camera(id)) return send(response, 404, { error: 'no such camera' });
  const [, , section, kind] = match;
  if (!section && method === 'GET') return send(response, 200, target.camera(id));
  try {
    if (section === 'faults' && method === 'POST' && !kind) {
      await target.setFault(id, faultSchema.parse(await readJson(request)));
      return send(response, 200, target.camera(id));
    }
    if (section === 'faults' && method === 'DELETE') {
      if (kind && !FAULT_KINDS.includes(kind as FaultKind)) return send(response, 400, { error: `unknown fault ${kind}` });
      await target.clearFault(id, kind as FaultKind | undefined);
      return send(response, 200, target.camera(id));
    }
    if (section === 'events' && method === 'POST' && !kind) {
      await target.sendEvent(id, cameraEventSchema.parse(await readJson(request)));
      return send(response, 200, target.camera(id));
    }
    if (section === 'schedule' && method === 'POST') {
      target.scheduleFaults(id, z.array(scheduledFaultSchema).parse(await readJson(request)));
      return send(response, 202, target.camera(id));
    }
  } catch (error) {
    if (error instanceof z.ZodError || error instanceof SyntaxError) return send(response, 400, { error: error.message });
    throw error;
  }
  send(response, 405, { error: 'method not allowed' });
}
