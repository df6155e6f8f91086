// A Vigie server in a child process (`cli.ts serve`, every role in one process), for the tests and
// benchmarks that must kill it (SIGKILL, by its PID) or keep its CPU apart from the senders'.
// It runs on an existing database and data folder (a TestContext's, so that the test can set up
// sources and users and read the tables); ports are fixed by the caller so that a restart listens
// where the senders send. Loopback only. The child is started by the simulator's process helper
// (simulator/src/processes.ts), one of the two places allowed to spawn.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type NodeChild, startNodeScript } from '../../../simulator/src/processes.ts';
import type { TestContext } from './context.ts';

const cliScript = fileURLToPath(new URL('../cli.ts', import.meta.url));

export interface ServerChild {
  url: string;
  pid: number;
  /** Resolves with the exit code (null after a signal) once the process is gone. */
  exited: Promise<number | null>;
  /** Whether it has exited. */
  gone(): boolean;
  /** The child's standard error so far (its log at VIGIE_LOG_LEVEL). */
  stderr(): string;
}

/** A TCP port free on 127.0.0.1 now (the OS picks it); the caller binds it soon after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The environment of a child serving the context's database and data folder on `port`. */
export function childEnvironment(context: TestContext, port: number, extra: Record<string, string>): Record<string, string> {
  const config = context.database.config;
  return {
    VIGIE_DATA_DIR: context.dataDir,
    DATABASE_URL: config.dialect === 'sqlite' ? config.path : config.url,
    VIGIE_HOST: '127.0.0.1',
    VIGIE_PORT: String(port),
    VIGIE_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Starts `serve` and resolves once it listens (or fails after `timeoutMs`, the child killed). */
export async function startServerChild(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerChild> {
  let stderr = '';
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const child: NodeChild = startNodeScript(
    cliScript,
    ['serve'],
    (line, stream) => {
      if (stream === 'stderr') stderr = `${stderr}${line}\n`.slice(-20_000);
      const match = /Vigie listening on (http:\/\/\S+)/.exec(line);
      if (match) announce(match[1] as string);
    },
    env,
  );
  let exitCode: number | null | undefined;
  const exited = child.exited.then((code) => {
    exitCode = code;
    return code;
  });
  const pid = child.pid as number;
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    listening,
    exited.then((code) => {
      throw new Error(`the server exited (${code}) before listening: ${stderr.slice(-2000)}`);
    }),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        process.kill(pid, 'SIGKILL');
        reject(new Error(`the server did not listen within ${timeoutMs} ms: ${stderr.slice(-2000)}`));
      }, timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return { url, pid, exited, gone: () => exitCode !== undefined, stderr: () => stderr };
}

/** SIGKILL to the child (its PID only) and waits until it is gone. */
export async function killServerChild(server: ServerChild): Promise<void> {
  try {
    if (!server.gone()) process.kill(server.pid, 'SIGKILL');
  } catch {
    // already gone between the check and the signal
  }
  await server.exited;
}
