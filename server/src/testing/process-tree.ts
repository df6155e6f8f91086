// The processes a test's own process has started, directly or not, read from /proc (Linux):
// every /proc/<pid>/stat whose parent chain leads to `root`, with its command line. For the
// tests that prove no camera password is on any command line (issue 12): /proc/<pid>/cmdline
// is readable by every local account.
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** argv, as /proc/<pid>/cmdline holds it. */
  argv: string[];
}

/** Parent PID from /proc/<pid>/stat: the fields after the command name, which may itself hold spaces and parentheses. */
function parentOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]); // state, then ppid
}

/** Every live descendant of `root` (children, their children, ...), with its command line. Processes that leave meanwhile are skipped. */
export async function descendantsOf(root: number): Promise<ProcessEntry[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
    if (stat) parents.set(Number(name), parentOf(stat));
  }
  const found: ProcessEntry[] = [];
  const wanted = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (wanted.has(pid) || !wanted.has(ppid)) continue;
      wanted.add(pid);
      grew = true;
    }
  }
  wanted.delete(root);
  for (const pid of wanted) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline !== undefined) found.push({ pid, ppid: parents.get(pid)!, argv: cmdline.split('\0').filter(Boolean) });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/** Fails naming the process if any descendant of `root` has `password` (or a `user:password@` URL) on its command line. */
export async function assertNoSecretOnCommandLines(root: number, secrets: { username: string; password: string }): Promise<ProcessEntry[]> {
  if (secrets.password.length === 0) throw new Error('a test of command lines needs a non-empty password');
  const processes = await descendantsOf(root);
  const userinfo = /[a-z]+:\/\/[^\s/]*:[^\s/]*@/i;
  for (const entry of processes) {
    const line = entry.argv.join(' ');
    const encoded = encodeURIComponent(secrets.password);
    if (line.includes(secrets.password) || line.includes(encoded) || userinfo.test(line))
      throw new Error(`process ${entry.pid} has a camera credential on its command line: ${line.replaceAll(secrets.password, '<password>')}`);
  }
  return processes;
}
