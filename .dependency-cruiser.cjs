// Dependency rules of Vigie (issue 10, docs/architecture.md "Module map"), run by `./vigie test`.
// Type-only imports count: a type import across a boundary is a dependency like any other.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      comment: "Across modules, only a module's index.ts is imported: its public API.",
      severity: 'error',
      from: { path: '^server/src/modules/([^/]+)/' },
      to: { path: '^server/src/modules/[^/]+/', pathNot: ['^server/src/modules/$1/', '^server/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-into-module-internals',
      comment: 'Outside the modules (services.ts, app.ts, main.ts, cli, bench, tests), a module is used through its index.ts.',
      severity: 'error',
      from: { path: '^(server/src/(?!modules/)|bench/|test/|scripts/|simulator/)' },
      to: { path: '^server/src/modules/[^/]+/', pathNot: '^server/src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'platform-below-modules',
      comment: 'platform/ holds shared technical pieces: it imports no module, nor the wiring above them.',
      severity: 'error',
      from: { path: '^server/src/platform/' },
      to: { path: '^server/src/(modules/|services\\.ts$|app\\.ts$|main\\.ts$|runtime\\.ts$|cli\\.ts$)' },
    },
    {
      name: 'no-bag-of-services',
      comment: 'A module receives its own dependencies; it never reaches for the bag of every service.',
      severity: 'error',
      from: { path: '^server/src/modules/' },
      to: { path: '^server/src/(services|app|main|runtime)\\.ts$' },
    },
    {
      name: 'schemas-pure',
      comment: 'A *.schemas.ts file is zod only: no Node module, no other package (the schemas drive validation, OpenAPI and the console types).',
      severity: 'error',
      from: { path: '\\.schemas\\.ts$' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer'], pathNot: '(^|/)node_modules/zod/' },
    },
    {
      name: 'one-place-spawns',
      comment: 'Only platform/processes.ts (server) and simulator/src/processes.ts (the simulator) start child processes; tests may run the CLI.',
      severity: 'error',
      from: {
        path: '^(server/src|simulator/src|bench)/',
        pathNot: ['^server/src/platform/processes\\.ts$', '^simulator/src/processes\\.ts$', '\\.(test|itest)\\.ts$'],
      },
      to: { dependencyTypes: ['core'], path: '^(node:)?child_process$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle, type imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'web-not-server',
      comment: 'The console reaches the server through its HTTP API and the generated types only.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(server|simulator|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
