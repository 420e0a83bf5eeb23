// The layers of the README's architecture, as rules over the import graph of src/ (`npm run lint`
// runs `depcruise --config .dependency-cruiser.mjs src`). test/unit/layer-rules.test.ts plants one
// violating import per rule and checks that each one is refused, so no rule can silently match nothing.

/** Files whose path matches `from` may not import what matches `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { path: from }, to })

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    forbid(
      'renderer-not-main',
      'The renderer runs in a sandboxed page: it reaches the core only through the API client.',
      '^src/renderer/',
      { path: '^src/main/' },
    ),
    forbid(
      'renderer-not-preload',
      'The renderer sees the preload only as the object it exposes (window.hyperdesk), never its code.',
      '^src/renderer/',
      { path: '^src/preload/' },
    ),
    forbid(
      'shared-only-shared',
      'src/shared is the contract every side imports: it imports nothing of ours outside itself.',
      '^src/shared/',
      { path: '^(src|test|bench|build|resources)/', pathNot: '^src/shared/' },
    ),
    forbid(
      'shared-no-node',
      'src/shared is pure TypeScript: it also runs in the page, where Node is not.',
      '^src/shared/',
      { dependencyTypes: ['core'] },
    ),
    forbid(
      'core-not-electron',
      'The core runs in plain Node (browser mode) and in a utility process: it never imports Electron.',
      '^src/(main/core|shared)/',
      { path: '^(node_modules/)?electron(/|$)' },
    ),
    forbid(
      'core-not-shell',
      'The core never knows which transport calls it: it imports neither the shell nor the transports.',
      '^src/main/core/',
      { path: '^src/(main/[^/]+$|preload/|renderer/)' },
    ),
    forbid(
      'preload-not-core',
      'The preload only forwards allow-listed calls over IPC: it imports the contract, never the core or the shell.',
      '^src/preload/',
      { path: '^src/(main|renderer)/' },
    ),
    forbid(
      'production-not-tests',
      'What ships never imports tests, their fixtures or the benchmarks.',
      '^src/',
      { path: '^(test|bench)/' },
    ),
    forbid(
      'no-cycle',
      'No import circle, type-only imports included: a module and what it uses form layers.',
      '^src/(?!renderer/src/store/)',
      { circular: true },
    ),
    forbid(
      'store-no-runtime-cycle',
      "The renderer's store follows zustand's slices pattern, where each slice is typed by the whole store " +
        '(StateCreator<AppState, …>): a circle of type-only imports inside store/ is that pattern; any other is refused.',
      '^src/renderer/src/store/',
      { circular: true, via: { dependencyTypesNot: ['type-only'] } },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a circle of types is still a circle of modules.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
}
