// One inventory import at a time per process, and how far it has gone: the console polls it
// while a large file is checked and written (issue 20).
import { DomainError } from '../../platform/errors.ts';
import type { ImportProgressView } from './cameras.schemas.ts';

export type ImportPhase = ImportProgressView['phase'];

export class ImportProgressTracker {
  private current: Omit<ImportProgressView, 'running'> | null = null;

  constructor(private readonly now: () => Date) {}

  /** Starts an import, or refuses with `import_busy` while another one runs. */
  start(by: string, dryRun: boolean, bytes: number): void {
    if (this.current) {
      throw new DomainError('import_busy', {
        fr: `Un import d’inventaire est déjà en cours (${this.current.by}, ${this.current.linesDone}/${this.current.linesTotal ?? '?'} lignes) : attendez sa fin.`,
        en: `An inventory import is already running (${this.current.by}, ${this.current.linesDone}/${this.current.linesTotal ?? '?'} lines): wait for it to end.`,
      });
    }
    this.current = { by, dryRun, bytes, phase: 'reading', linesDone: 0, linesTotal: null, startedAt: this.now().toISOString() };
  }

  update(phase: ImportPhase, linesDone: number, linesTotal: number | null): void {
    if (this.current) this.current = { ...this.current, phase, linesDone, linesTotal };
  }

  finish(): void {
    this.current = null;
  }

  view(): ImportProgressView {
    return this.current
      ? { running: true, ...this.current }
      : { running: false, by: null, dryRun: null, bytes: null, phase: null, linesDone: 0, linesTotal: null, startedAt: null };
  }
}
