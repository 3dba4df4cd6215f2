// The security:scan gate (scripts/electronegativity-check.mjs) on small apps made for the test:
// it must fail on a HIGH finding and name it, pass a locked-down app, and never touch the network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join('scripts', 'electronegativity-check.mjs');
const NETWORK_MARKER = 'NETWORK-ATTEMPT';
/** Loaded before the script: any socket or DNS lookup leaves a marker on stderr (and fails). */
const NETWORK_TRAP =
  'data:text/javascript,' +
  encodeURIComponent(
    `import net from 'node:net'; import dns from 'node:dns';
     const trap = (what) => function () { process.stderr.write('${NETWORK_MARKER} ' + what + '\\n'); throw new Error('network used: ' + what); };
     net.Socket.prototype.connect = trap('connect'); dns.lookup = trap('dns.lookup'); dns.resolve = trap('dns.resolve');`,
  );

const INSECURE_MAIN = `import { BrowserWindow } from 'electron';
export function open(): BrowserWindow {
  const window = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });
  void window.loadFile('index.html');
  return window;
}
`;

const LOCKED_DOWN_MAIN = `import { BrowserWindow } from 'electron';
export function open(): BrowserWindow {
  const window = new BrowserWindow({ webPreferences: { preload: 'preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false } });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  void window.loadFile('index.html');
  return window;
}
`;

const PAGE = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'" />
</head><body><script type="module" src="./main.js"></script></body></html>
`;

/** A repo-shaped folder: the script, node_modules (linked), package.json and the four source folders. */
function makeApp(t: TestContext, mainSource: string): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-security-scan-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(ROOT, SCRIPT), join(root, SCRIPT));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  write('package.json', JSON.stringify({ name: 'fixture', private: true, devDependencies: { electron: '41.7.1' } }));
  write('src-main/index.ts', mainSource);
  write('src-preload/index.ts', "import { contextBridge } from 'electron';\ncontextBridge.exposeInMainWorld('api', {});\n");
  write('src-renderer/index.html', PAGE);
  write('src-shared/contract.ts', 'export const CHANNEL = "app:command";\n');
  return root;
}

function runScan(root: string) {
  const result = spawnSync(process.execPath, ['--import', NETWORK_TRAP, SCRIPT], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

test('security:scan fails on HIGH findings and names check, file and line; the CSV report lists them', async (t) => {
  const root = makeApp(t, INSECURE_MAIN);
  const { code, stderr, output } = runScan(root);
  assert.equal(code, 1, output);
  assert.match(stderr, /FAILED: \d+ HIGH finding/);
  assert.match(stderr, /CONTEXT_ISOLATION_JS_CHECK {2}severity HIGH {2}confidence \w+ {2}src-main\/index\.ts:3:\d+/);
  assert.ok(!output.includes(NETWORK_MARKER), `the scan used the network:\n${output}`);
  const csvPath = join(root, 'test-artifacts', 'electronegativity', 'findings.csv');
  assert.ok(existsSync(csvPath));
  const rows = readFileSync(csvPath, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'scan,check,severity,confidence,file,line,column,review_required,allowlisted,description,sample,url');
  assert.ok(rows.some((row) => row.startsWith('source,CONTEXT_ISOLATION_JS_CHECK,HIGH,')), rows.join('\n'));
  const sarif = JSON.parse(readFileSync(join(root, 'test-artifacts', 'electronegativity', 'findings.sarif'), 'utf8'));
  assert.ok(sarif.runs[0].results.some((result: any) => result.ruleId === 'CONTEXT_ISOLATION_JS_CHECK' && result.level === 'error'));
});

test('security:scan passes a locked-down window and prints the findings by severity', async (t) => {
  const root = makeApp(t, LOCKED_DOWN_MAIN);
  const { code, stdout, output } = runScan(root);
  assert.equal(code, 0, output);
  assert.match(stdout, /findings by severity:\nseverity +source +total\nHIGH +0 +0\n/);
  assert.match(stdout, /skipped the bundle scan: out not found/);
  assert.match(stdout, /security:scan passed/);
  assert.ok(!output.includes(NETWORK_MARKER), `the scan used the network:\n${output}`);
});
