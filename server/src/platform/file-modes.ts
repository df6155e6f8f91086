// Footage, the database and the keys are for Vigie's own account (LEGAL 10, issue 11): files
// are created with umask 077 (folders 0700, database and keys 0600; segments are then made
// 0440), and a server refuses to start on a data folder or volume root that other local
// accounts can read, naming it and the command that fixes it.
import { statSync } from 'node:fs';

/** Called first thing by the command line: everything Vigie creates is private to its account. */
export function privateFileCreation(): void {
  process.umask(0o077);
}

/** The folders (that exist) which other local accounts can read or enter, with their modes. */
export function foldersOpenToOthers(paths: readonly string[]): { path: string; mode: string }[] {
  const open: { path: string; mode: string }[] = [];
  for (const path of paths) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch {
      continue; // not created yet: it will be, with umask 077
    }
    if (mode & 0o007) open.push({ path, mode: mode.toString(8).padStart(4, '0') });
  }
  return open;
}

export class OpenFolderError extends Error {
  constructor(readonly folders: { path: string; mode: string }[]) {
    super(
      `refusing to start: readable by other local accounts / lisible par d'autres comptes du système: ${folders.map((folder) => `${folder.path} (${folder.mode})`).join(', ')}. ` +
        `Fix / corriger: chmod -R o-rwx ${folders.map((folder) => JSON.stringify(folder.path)).join(' ')}`,
    );
    this.name = 'OpenFolderError';
  }
}
