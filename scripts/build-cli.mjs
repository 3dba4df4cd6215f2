#!/usr/bin/env node
// Builds the `parley` command: src-main/headless/main.ts bundled into out/cli/parley.mjs (the
// package's `bin`), and the audio host process into out/cli/audio-host-child.js beside it, where
// the command looks for it. Plain JavaScript at run time: no TypeScript loader, one file to parse.
// `npm run build` runs this after electron-vite; `npm run build:cli` runs it alone.
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CLI_AUDIO_HOST_CHILD, CLI_ENTRY, PROJECT_ROOT } from './cli-bundle.mjs';

/**
 * Loaded from node_modules at run time: native addons (a .node binary cannot be bundled) and
 * the optional native speed-ups ws tries to load. Node's built-ins are external on platform node.
 */
const NATIVE_PACKAGES = ['naudiodon', 'segfault-handler', '@livekit/rtc-ffi-bindings', 'bufferutil', 'utf-8-validate', 'uiohook-napi', 'electron'];

/** Bundled CommonJS (ws) calls `require` for built-ins: an ES module has none, so give it one. */
const REQUIRE_SHIM = "import { createRequire as parleyCreateRequire } from 'node:module'; const require = parleyCreateRequire(import.meta.url);";

/**
 * zod's classic namespace re-exports every message locale (about 40 languages, a quarter of the
 * bundle to parse at each start). Parley only uses English messages, which zod configures itself.
 */
const ZOD_FILE = /[\\/]node_modules[\\/]zod[\\/]/;
const englishZodMessagesOnly = {
  name: 'english-zod-messages-only',
  setup(builder) {
    builder.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      ZOD_FILE.test(args.importer) ? { path: join(args.resolveDir, '../locales/index.js'), namespace: 'zod-english' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

function bundle(entry, outfile, banner) {
  return build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: NATIVE_PACKAGES,
    plugins: [englishZodMessagesOnly],
    // Smaller to parse; names are kept so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: banner },
    logLevel: 'warning',
  });
}

/** Builds both files; resolves to the build's wall time in milliseconds. */
export async function buildCli() {
  const startedAt = performance.now();
  await Promise.all([
    bundle('src-main/headless/main.ts', CLI_ENTRY, `#!/usr/bin/env node\n${REQUIRE_SHIM}`),
    bundle('src-main/adapters/audio/native/audio-host-child.ts', CLI_AUDIO_HOST_CHILD, REQUIRE_SHIM),
  ]);
  await chmod(CLI_ENTRY, 0o755);
  return performance.now() - startedAt;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const elapsedMs = await buildCli();
  console.log(`build-cli: out/cli/parley.mjs and out/cli/audio-host-child.js in ${Math.round(elapsedMs)} ms`);
}
