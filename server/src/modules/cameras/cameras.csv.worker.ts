// The inventory CSV parsed and checked in a worker thread (platform/workers.ts): a file of
// tens of thousands of lines takes seconds of CPU that the event loop must not spend.
import { serveWorkerTask } from '../../platform/workers.ts';
import { parseCameraCsv, type ParsedImport } from './cameras.csv.ts';

export const csvWorkerUrl = import.meta.url;
export type CsvProgress = { linesDone: number; linesTotal: number };

serveWorkerTask<string, CsvProgress, ParsedImport>(csvWorkerUrl, (text, progress) =>
  parseCameraCsv(text, (linesDone, linesTotal) => progress({ linesDone, linesTotal })),
);
