// The `./vigie` command line (the launcher installs what is missing, then runs this).
import { privateFileCreation } from './platform/file-modes.ts';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { roles, type Role } from './modules/access/index.ts';
import { cliActor } from './modules/audit/index.ts';
import { DomainError } from './platform/errors.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { openDatabase } from './platform/db/database.ts';
import { startServer, stopOnSignals } from './main.ts';
import { openRuntime } from './runtime.ts';
import { runDemo } from './demo/demo.ts';
import { applyRepair, findRepairs } from './modules/authorisations/index.ts';
import { newestRecordingHeads } from './modules/audit/index.ts';
import { exportVerifyCommand } from './modules/exports/index.ts';

const help = `Vigie — plateforme de centre de supervision urbain / urban supervision centre platform

Usage: ./vigie <command> [options]

  demo                      seed the demo data and serve the console (SQLite, local disk, simulated cameras)
  serve                     serve the API (VIGIE_HOST:VIGIE_PORT, default 127.0.0.1:8080)
  migrate                   apply database migrations
  test [filter...]          type-check, static checks, then every test (--no-typecheck skips both)
  check                     formatter, linter, dependency rules, unused exports (docs/contributing.md)
  api-types [--check]       regenerate the console's API types from the OpenAPI document
  structure                 figures of the module structure (imports across modules, sizes)
  sim [options]             run the camera simulator (./vigie sim --help)
  bench <scenario>          run a benchmark and print its table (./vigie bench --help)
  user add <login> --role <role> [--commune <insee>...] [--all-communes] [--name <name>]
           [--approval <reference> --approval-expires <YYYY-MM-DD>] [--training <YYYY-MM-DD>]
                            create an account; the password is read from standard input
  user list                 list accounts
  user reset-password <login>   set a new password, read from standard input
  user disable <login>      disable an account (its sessions end)
  user unlock <login>       clear a lockout
  authorisations repair [--apply]
                            list the authorisations whose cameras or recipients an update emptied
                            before the PATCH fix (issue 17), with the audit row holding them; with
                            --apply, give them back (audited); exits 1 if any is left to repair
  audit verify              verify the audit hash chain (keyed) and the signed checkpoints; lists every
                            problem and exits 1 if there is any
  audit checkpoint          write a signed checkpoint of the chain heads now (the worker role writes one
                            at start, then every VIGIE_CHECKPOINT_INTERVAL_MINUTES)
  register verify           verify the statutory register's hash chain (keyed); names every edited,
                            deleted or reordered row and exits 1 if there is any
  logbook verify            verify the logbook's (main courante) hash chain (keyed); names every edited,
                            deleted or reordered entry and exits 1 if there is any
  recordings verify [--camera <id>] [--from <ISO time>] [--to <ISO time>]
                            re-hash recorded segments, check their chains (keyed) and the signed
                            checkpoints of their heads; exits 1 on any problem
  recordings purge          one retention pass now (serve runs one every 30 s); exits 1 on a failure
  export verify <zip|folder> [--key <minisign.pub>]
                            check an evidence package offline (signature, hashes, journal, MP4 structure);
                            names every failure and exits 1 if there is any
  --help                    this text

Roles: ${roles.join(', ')}
Configuration: environment variables, see docs/configuration.md.`;

async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.split(/\r?\n/)[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WriteStream };
  process.stdout.write(prompt);
  output._writeToOutput = () => undefined; // no echo
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function userCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      commune: { type: 'string', multiple: true },
      'all-communes': { type: 'boolean' },
      name: { type: 'string' },
      approval: { type: 'string' },
      'approval-expires': { type: 'string' },
      training: { type: 'string' },
    },
  });
  const runtime = await openRuntime(config);
  const acting = { actor: cliActor(config.operatingSystemUser), principal: null };
  try {
    switch (sub) {
      case 'add': {
        const login = positionals[0];
        if (!login || !values.role) throw new Error('usage: ./vigie user add <login> --role <role> [--commune <insee>...]');
        if (!roles.includes(values.role as Role)) throw new Error(`unknown role ${values.role}; roles: ${roles.join(', ')}`);
        const password = await readPassword('Mot de passe / password: ');
        const user = await runtime.services.accounts.create(
          {
            login,
            role: values.role as Role,
            password,
            displayName: values.name,
            allCommunes: values['all-communes'] ?? false,
            communes: values.commune ?? [],
            approvalReference: values.approval ?? null,
            approvalExpiresOn: values['approval-expires'] ?? null,
            trainingDate: values.training ?? null,
          },
          acting,
        );
        console.log(`created ${user.login} (${user.role}) id=${user.id}`);
        return 0;
      }
      case 'list': {
        const users = await runtime.services.accounts.list(acting);
        console.log(['login', 'role', 'communes', 'approval_expires', 'training', 'totp', 'status'].join('\t'));
        for (const user of users) {
          const status = user.disabled ? 'disabled' : user.lockedUntil && user.lockedUntil > new Date().toISOString() ? 'locked' : 'active';
          console.log(
            [
              user.login,
              user.role,
              user.allCommunes ? '*' : user.communes.join(','),
              user.approvalExpiresOn ?? '-',
              user.trainingDate ?? '-',
              user.totpEnabled ? 'yes' : 'no',
              status,
            ].join('\t'),
          );
        }
        return 0;
      }
      case 'reset-password': {
        const login = positionals[0];
        if (!login) throw new Error('usage: ./vigie user reset-password <login>');
        const user = await runtime.services.accounts.getByLogin(login, acting);
        await runtime.services.accounts.resetPassword(user.id, await readPassword('Nouveau mot de passe / new password: '), acting);
        console.log(`password of ${login} reset; its sessions are closed`);
        return 0;
      }
      case 'disable':
      case 'unlock': {
        const login = positionals[0];
        if (!login) throw new Error(`usage: ./vigie user ${sub} <login>`);
        const user = await runtime.services.accounts.getByLogin(login, acting);
        if (sub === 'disable') await runtime.services.accounts.disable(user.id, acting);
        else await runtime.services.accounts.unlock(user.id, acting);
        console.log(`${login} ${sub === 'disable' ? 'disabled' : 'unlocked'}`);
        return 0;
      }
      default:
        throw new Error('usage: ./vigie user add|list|reset-password|disable|unlock ...');
    }
  } finally {
    await runtime.close();
  }
}

async function auditCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'verify' && args[0] !== 'checkpoint') throw new Error('usage: ./vigie audit verify | ./vigie audit checkpoint');
  const runtime = await openRuntime(config);
  try {
    if (args[0] === 'checkpoint') {
      const { checkpoint, pushed } = await runtime.services.checkpoints.run();
      console.log(
        `signed checkpoint written to ${runtime.services.checkpointStore.file}: audit row ${checkpoint.audit.seq}, ${checkpoint.recordings.length} camera head(s)${pushed === 'off' ? '' : `, webhook: ${pushed}`}`,
      );
      return pushed === 'failed' ? 1 : 0;
    }
    const report = await runtime.services.audit.verify();
    for (const warning of report.warnings) console.error(`warning\t${warning}`);
    const checkpoints = `${report.checkpointsChecked} signed checkpoint(s)${report.newestCheckpointAt ? `, the newest of ${report.newestCheckpointAt}` : ''}`;
    if (report.ok) {
      console.log(`audit chain intact: ${report.rowsChecked} rows checked (seq ${report.firstSeq} to ${report.lastSeq}), ${checkpoints}`);
      return 0;
    }
    for (const problem of report.problems)
      console.error(`${problem.kind.startsWith('checkpoint') ? 'checkpoint' : `row ${problem.seq}`}\t${problem.kind}\t${problem.message}`);
    if (report.problemCount > report.problems.length) console.error(`… and ${report.problemCount - report.problems.length} more`);
    console.error(
      `audit chain BROKEN: ${report.problemCount} problem(s), the first at row ${report.problem?.seq} (${report.problem?.kind}): ${report.problem?.message}`,
    );
    console.error(`chaîne d'audit ROMPUE : ${report.problemCount} problème(s), le premier à la ligne ${report.problem?.seq}`);
    return 1;
  } finally {
    await runtime.close();
  }
}

async function registerCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'verify') throw new Error('usage: ./vigie register verify');
  const runtime = await openRuntime(config);
  try {
    const report = await runtime.services.register.verify(null);
    if (report.ok) {
      console.log(`register chain intact: ${report.rowsChecked} rows checked${report.lastSeq > 0 ? ` (seq 1 to ${report.lastSeq})` : ''}`);
      return 0;
    }
    for (const problem of report.problems) console.error(`row ${problem.seq}\t${problem.kind}\t${problem.message}`);
    if (report.problemCount > report.problems.length) console.error(`… and ${report.problemCount - report.problems.length} more`);
    console.error(`register chain BROKEN: ${report.problemCount} problem(s) / chaîne du registre ROMPUE : ${report.problemCount} problème(s)`);
    return 1;
  } finally {
    await runtime.close();
  }
}

async function logbookCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'verify') throw new Error('usage: ./vigie logbook verify');
  const runtime = await openRuntime(config);
  try {
    const report = await runtime.services.logbook.verifyAudited({ actor: cliActor(config.operatingSystemUser), principal: null });
    if (report.ok) {
      console.log(`logbook chain intact: ${report.rowsChecked} entries checked${report.lastSeq > 0 ? ` (seq 1 to ${report.lastSeq})` : ''}`);
      return 0;
    }
    for (const problem of report.problems) console.error(`entry ${problem.seq}\t${problem.kind}\t${problem.message}`);
    if (report.problemCount > report.problems.length) console.error(`… and ${report.problemCount - report.problems.length} more`);
    console.error(`logbook chain BROKEN: ${report.problemCount} problem(s) / chaîne de la main courante ROMPUE : ${report.problemCount} problème(s)`);
    return 1;
  } finally {
    await runtime.close();
  }
}

async function recordingsCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'purge') return purgeCommand(config);
  if (sub !== 'verify') throw new Error('usage: ./vigie recordings verify [--camera <id>] [--from <ISO>] [--to <ISO>] | ./vigie recordings purge');
  const { values } = parseArgs({ args: rest, options: { camera: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });
  const instant = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new Error(`--${name}: not a date and time (e.g. 2026-11-23T10:00:00Z)`);
    return ms;
  };
  const runtime = await openRuntime(config);
  try {
    // With the segment chain's key and the lawfully purged runs (the recording module's).
    const report = await runtime.services.recordingModule.api.verify({
      checkpoints: () => newestRecordingHeads(runtime.services.checkpointStore, runtime.services.segmentChainKey.keyId),
      volumes: await volumesOf(runtime, config),
      cameraId: values.camera,
      fromMs: instant('from', values.from),
      toMs: instant('to', values.to),
    });
    for (const problem of report.problems) console.error(`${problem.kind}\t${problem.cameraId ?? '-'}\t${problem.path ?? '-'}\t${problem.message}`);
    const summary = `${report.cameras} camera(s), ${report.segmentsChecked} segment(s) checked, ${report.filesHashed} file(s) re-hashed`;
    if (report.ok) {
      console.log(`recordings intact: ${summary}`);
      return 0;
    }
    console.error(`recordings: ${report.problems.length} PROBLEM(S) / ${report.problems.length} anomalie(s): ${summary}`);
    return 1;
  } finally {
    await runtime.close();
  }
}

/** `authorisations repair [--apply]`: cameras and recipients emptied by a pre-fix PATCH, given back from the audit log. */
async function authorisationsCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { apply: { type: 'boolean', default: false } } });
  if (sub !== 'repair') {
    console.error('usage: ./vigie authorisations repair [--apply]');
    return 2;
  }
  const runtime = await openRuntime(config);
  try {
    const repairs = await findRepairs(runtime.services.authorisations, runtime.services.audit);
    if (repairs.length === 0) {
      console.log('nothing to repair: no authorisation lost its cameras or recipients to an update');
      return 0;
    }
    for (const repair of repairs) {
      console.log(
        `${repair.reference}\t${repair.communeInsee}\taudit row ${repair.auditSeq} (${repair.auditAt}, ${repair.auditActor ?? '?'})\tcameras: ${repair.cameraIds.length}\trecipients: ${repair.recipients.join(',') || '-'}`,
      );
      if (!values.apply) continue;
      const { view, skippedCameraIds } = await applyRepair(repair, runtime.services.authorisations, {
        actor: cliActor(config.operatingSystemUser),
        principal: null,
      });
      console.log(
        `  restored: ${view.cameraIds.length} camera(s), recipients ${view.recipients.join(',') || '-'}${skippedCameraIds.length > 0 ? `; left out (no longer in the inventory): ${skippedCameraIds.join(', ')}` : ''}`,
      );
    }
    if (!values.apply) console.log(`${repairs.length} authorisation(s) to repair: run again with --apply`);
    return values.apply ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

/** Every declared volume (footage stays readable on a disabled one); the default one before any is declared. */
async function volumesOf(runtime: Awaited<ReturnType<typeof openRuntime>>, config: Config) {
  const volumes = await runtime.services.storage.storageVolumes();
  return volumes.length > 0 ? volumes : [{ name: 'local', root: config.recordingsDir }];
}

/** One retention pass now (the recorder role runs one every 30 s); exit 1 if any camera failed. */
async function purgeCommand(config: Config): Promise<number> {
  const runtime = await openRuntime(config);
  try {
    const report = await runtime.services.retentionPurge.run();
    const destroyed = report.cameras.reduce((sum, camera) => sum + camera.destroyedSegments, 0);
    const held = report.cameras.reduce((sum, camera) => sum + camera.heldSegments, 0);
    for (const camera of report.cameras.filter((candidate) => candidate.error)) console.error(`purge_failed\t${camera.cameraId}\t${camera.error}`);
    for (const volume of report.unmarkedVolumes) console.error(`volume_marker_missing\t${volume}\tnothing destroyed on it (disk not mounted?)`);
    for (const orphan of report.unindexed.filter((candidate) => candidate.error)) console.error(`purge_failed\t${orphan.cameraId}\t${orphan.error!.message}`);
    const unindexed = report.unindexed.reduce((sum, orphan) => sum + orphan.destroyedFiles, 0);
    console.log(
      `purge: ${report.cameras.length} camera(s), ${destroyed} segment(s) destroyed, ${held} kept by legal holds, ${unindexed} unindexed file(s) of .incoming destroyed, ${report.failures} failure(s)`,
    );
    return report.failures > 0 ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

async function main(argv: string[]): Promise<number> {
  privateFileCreation();
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(help);
    return command ? 0 : 2;
  }
  // Offline: no configuration, no database (a court expert runs it on the package alone).
  if (command === 'export') {
    if (args[0] !== 'verify') throw new Error('usage: ./vigie export verify <package.zip|folder> [--key <minisign.pub>]');
    return exportVerifyCommand(args.slice(1));
  }
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const server = await startServer(config, { onListening: (url) => console.log(`Vigie listening on ${url} (API documentation: ${url}/api/docs)`) });
      stopOnSignals(server.stop);
      return -1;
    }
    case 'demo':
      return runDemo(config, args);
    case 'migrate': {
      const database = openDatabase(config.database);
      try {
        const applied = await migrateToLatest(database.db);
        console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database already up to date');
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'user':
      return userCommand(config, args);
    case 'audit':
      return auditCommand(config, args);
    case 'register':
      return registerCommand(config, args);
    case 'logbook':
      return logbookCommand(config, args);
    case 'authorisations':
      return authorisationsCommand(config, args);
    case 'recordings':
      return recordingsCommand(config, args);
    default:
      console.error(`vigie: unknown command '${command}'\n`);
      console.log(help);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof DomainError)
      console.error(`vigie: ${error.code}: ${error.messageFr} / ${error.messageEn}${error.details ? `\n${JSON.stringify(error.details, null, 2)}` : ''}`);
    else console.error(`vigie: ${(error as Error).message ?? String(error)}`);
    process.exit(1);
  },
);
