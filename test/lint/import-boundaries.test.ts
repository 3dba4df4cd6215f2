// The layer boundaries of architecture.md are lint rules; this pins that each one fires when it
// is crossed (and stays quiet for the imports each layer is allowed), so loosening the config
// by accident fails here rather than in review.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

/** The no-restricted-imports messages ESLint reports for `source` as if it lived at `filePath`. */
async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

const CROSSINGS: ReadonlyArray<readonly [file: string, source: string, why: RegExp]> = [
  ['src-main/core/session/x.ts', "import { AppController } from '../../app/app-controller';", /core depends on nothing outside/],
  ['src-main/core/session/x.ts', "import { startWebBridge } from '../../web-bridge/web-bridge-server';", /core depends on nothing outside/],
  ['src-main/core/session/x.ts', "import { readFileSync } from 'node:fs';", /no file or process I\/O/],
  ['src-main/core/session/x.ts', "import { spawn } from 'child_process';", /no file or process I\/O/],
  ['src-main/core/audio/x.ts', "import portAudio from 'naudiodon';", /native audio/],
  ['src-main/core/audio/x.ts', "import { FfiClient } from '@livekit/rtc-ffi-bindings';", /Native modules/],
  ['src-main/core/x.ts', "import WebSocket from 'ws';", /touch the network/],
  ['src-shared/x.ts', "import { errorMessage } from '../src-main/core/util/errors';", /imports nothing from main/],
  ['src-shared/x.ts', "import { join } from 'node:path';", /no Node modules/],
  ['src-preload/x.ts', "import { AppController } from '../src-main/app/app-controller';", /only electron and src-shared/],
  ['src-preload/x.ts', "import { readFileSync } from 'node:fs';", /only electron and src-shared/],
  ['src-renderer/src/x.ts', "import { readFileSync } from 'node:fs';", /no Node modules/],
  ['src-renderer/src/x.ts', "import path from 'path';", /no Node modules/],
  ['src-renderer/src/x.ts', "import { AppController } from '../../src-main/app/app-controller';", /only through window.parley/],
  ['src-renderer/src/x.ts', "import { ipcRenderer } from 'electron';", /electron/],
  ['src-main/app/x.ts', "import { TrayController } from '../shell/tray-controller';", /imports none of them|run without Electron/],
  ['src-main/app/x.ts', "import { startWebBridge } from '../web-bridge/web-bridge-server';", /imports none of them/],
  ['src-main/adapters/x.ts', "import { app } from 'electron';", /electron/],
];

for (const [file, source, why] of CROSSINGS) {
  test(`crossing a boundary is a lint error: ${file} ← ${source.replace(/^import .* from /, '')}`, async () => {
    const errors = await importErrors(file, source);
    assert.ok(errors.some((message) => why.test(message)), `expected an error matching ${why} for ${file}; got ${JSON.stringify(errors)}`);
  });
}

const ALLOWED: ReadonlyArray<readonly [file: string, source: string]> = [
  ['src-preload/x.ts', "import { contextBridge } from 'electron';"],
  ['src-preload/x.ts', "import { COMMAND_NAMES } from '../src-shared/ipc-contract';"],
  ['src-main/core/session/x.ts', "import { randomUUID } from 'node:crypto';"],
  ['src-main/core/session/x.ts', "import type { SessionEvent } from '../../../src-shared/session-events';"],
  ['src-renderer/src/x.ts', "import { applyStatePatch } from '../../src-shared/state-patch';"],
  ['src-main/app/x.ts', "import { connectWebSocket } from '../adapters/transport/ws-transport';"],
  ['src-main/shell/x.ts', "import { app } from 'electron';"],
];

test('each layer may still import what it is meant to', async () => {
  for (const [file, source] of ALLOWED) assert.deepEqual(await importErrors(file, source), [], `${file}: ${source}`);
});
