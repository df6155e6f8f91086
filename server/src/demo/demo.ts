// `./vigie demo`: embedded defaults (SQLite in ./data, local disk), demo data, then serve.
import type { Config } from '../config.ts';
import { startServer, stopOnSignals } from '../main.ts';
import { openRuntime } from '../runtime.ts';
import { demoPassword, demoUsers, seedDemo } from './seed.ts';

export async function runDemo(config: Config, args: string[]): Promise<number> {
  const runtime = await openRuntime(config);
  try {
    await seedDemo(runtime.services);
  } finally {
    await runtime.close();
  }
  if (args.includes('--seed-only')) {
    printCredentials(`http://${config.host}:${config.port}`);
    return 0;
  }
  const server = await startServer(config);
  printCredentials(server.url);
  stopOnSignals(server.stop);
  return -1;
}

function printCredentials(url: string): void {
  console.log(`\nVigie (démo) : ${url}   API : ${url}/api/docs`);
  console.log(`Comptes de démonstration / demo accounts (mot de passe / password: ${demoPassword}):`);
  for (const user of demoUsers) {
    console.log(`  ${user.login.padEnd(12)} ${user.role.padEnd(14)} ${user.communes === 'all' ? 'toutes communes' : user.communes.join(', ')}`);
  }
  console.log('Second facteur désactivé pour la démo / second factor off for the demo. Ctrl-C pour arrêter.\n');
}
