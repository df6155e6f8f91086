// CPU-heavy pure work (parsing a large CSV) off the event loop, in a worker thread, so that
// health checks and viewers are answered meanwhile (issue 20). A task module runs
// `serveWorkerTask(handler)`; the caller runs `runWorkerTask(url, input, ...)`. The worker has
// a memory ceiling and a deadline; a task that exceeds either is stopped and refused.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

type Message<Progress, Result> =
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; result: Result }
  | { type: 'error'; name: string; message: string };

export interface WorkerTaskOptions<Progress> {
  onProgress?: (progress: Progress) => void;
  /** The task is stopped after this long. */
  timeoutMs: number;
  /** Heap ceiling of the worker. */
  maxHeapMb: number;
}

export class WorkerTaskError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'failed' | 'memory',
  ) {
    super(message);
    this.name = 'WorkerTaskError';
  }
}

const tsxApi = import.meta.resolve('tsx/esm/api');

/** A worker thread that loads the module at `moduleUrl` through tsx, as the main thread loads TypeScript. */
export function startModuleWorker(moduleUrl: string, data: object, options: { maxHeapMb?: number; name?: string } = {}): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, {
    eval: true,
    workerData: data,
    name: options.name,
    resourceLimits: options.maxHeapMb === undefined ? undefined : { maxOldGenerationSizeMb: options.maxHeapMb },
  });
}

/** Runs the task module at `moduleUrl` on `input` in a new worker thread. */
export function runWorkerTask<Input, Progress, Result>(moduleUrl: string, input: Input, options: WorkerTaskOptions<Progress>): Promise<Result> {
  const worker = startModuleWorker(moduleUrl, { vigieTask: moduleUrl, input }, { maxHeapMb: options.maxHeapMb });
  return new Promise<Result>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new WorkerTaskError(`worker task over ${options.timeoutMs} ms`, 'timeout'))), options.timeoutMs);
    worker.on('message', (message: Message<Progress, Result>) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'result') finish(() => resolve(message.result));
      else finish(() => reject(new WorkerTaskError(`${message.name}: ${message.message}`, 'failed')));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      finish(() => reject(new WorkerTaskError(error.message, memory ? 'memory' : 'failed')));
    });
    worker.on('exit', (code) => finish(() => reject(new WorkerTaskError(`worker exited with code ${code}`, 'failed'))));
  });
}

/** In a task module: when loaded as the worker of `moduleUrl`, runs `handler` on its input. */
export function serveWorkerTask<Input, Progress, Result>(
  moduleUrl: string,
  handler: (input: Input, progress: (progress: Progress) => void) => Result | Promise<Result>,
): void {
  const data = workerData as { vigieTask?: string; input?: Input } | null;
  if (isMainThread || !parentPort || data?.vigieTask !== moduleUrl) return;
  const port = parentPort;
  const post = (message: Message<Progress, Result>) => port.postMessage(message);
  Promise.resolve()
    .then(() => handler(data.input as Input, (progress) => post({ type: 'progress', progress })))
    .then(
      (result) => post({ type: 'result', result }),
      (error: Error) => post({ type: 'error', name: error.name, message: error.message }),
    );
}
