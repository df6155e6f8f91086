// `./vigie bench <scenario> [options]`: runs one benchmark scenario, which prints its figures
// as a table. Scenarios register here by name; each module exports `run(args)`.
const scenarios: Record<string, { description: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }> = {
  sim: { description: 'camera simulator: CPU and memory while N streams are pulled', load: () => import('./sim.ts') },
  index: { description: 'recording index: build 30 days x 1,000 cameras of segments, time range queries', load: () => import('./index.ts') },
  ingest: {
    description: 'native engine media path alone (framer, depacketizer, MP4, segment files): CPU per camera, no sockets',
    load: () => import('./ingest.ts'),
  },
  record: { description: 'recording: N simulated cameras recorded end to end, CPU, memory, frames, segment-close latency', load: () => import('./record.ts') },
  fuzz: { description: 'API fuzz: hostile input to every route, method and role; no 5xx, shaped and bounded refusals', load: () => import('./fuzz.ts') },
  alarms: {
    description: "alarms: intake to the operators' WebSocket per channel (webhook, MQTT, DC-09 TCP/UDP, CAP), at a rate and in a burst: p50, p99, lost",
    load: () => import('./alarms.ts'),
  },
  export: {
    description: 'evidence export: packages of 1 h of 1 and 4 cameras vs a plain copy of the same bytes, while 20 cameras keep recording',
    load: () => import('./export.ts'),
  },
  live: {
    description: 'live: N WebSocket viewers on simulated cameras, first picture, latency, server CPU, camera connections',
    load: () => import('./live.ts'),
  },
  health: {
    description: 'camera picture checks: CPU per camera at one picture every 10 s (keyframe decode + measures), target 0.02 % of a core',
    load: () => import('./health.ts'),
  },
};

const [name, ...args] = process.argv.slice(2);
const scenario = name ? scenarios[name] : undefined;
if (!scenario) {
  console.error('Usage: ./vigie bench <scenario> [options]\nScenarios:');
  for (const [key, entry] of Object.entries(scenarios)) console.error(`  ${key.padEnd(10)} ${entry.description}`);
  process.exit(name ? 2 : 0);
}
try {
  await (await scenario.load()).run(args);
} catch (error) {
  console.error(`vigie bench ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
