#!/usr/bin/env node
// `npm run security:scan`: Electronegativity (Doyensec's Electron security linter) over the app,
// as a CI gate. Fails (exit 1) on any HIGH finding that is not on the allowlist below, or when a
// file could not be parsed (an unparsed file is an unchecked one); otherwise prints a summary
// and exits 0. Reports land in test-artifacts/electronegativity/ (findings.csv, findings.sarif).
//
// Two scans, each of a complete app so the tool's cross-file ("global") checks see the window
// factory, the preload and the page together; scanning folders one by one reports e.g. missing
// navigation limits for the renderer, which are set in main:
//   source  package.json + src-main, src-preload, src-renderer, src-shared (TS/TSX/HTML; exact lines to fix)
//   bundle  package.json + out/ (what ships: the built page with its CSP meta tag); skipped with a
//           note when `npm run build` has not run.
//
// Why the JS API and not the CLI: the tool exits 0 whatever it finds, its CSV writer issues the
// header and the rows as two unsynchronised async writes (the file can come out truncated or
// garbled), and its SARIF carries no severity. Here the findings come back as objects, so
// severity and confidence are read exactly, and the reports are written from them.
//
// Offline by construction: the tool fetches translations and GitHub's Electron release list with
// `got`; that module is replaced in require's cache with one that answers 404 without touching
// the network, and the check that needs the release list (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK:
// "is this Electron the latest patch?") is off. Electron is pinned by package-lock and upgraded
// through npm; the version the checks assume comes from node_modules/electron (-e in CLI terms).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTPUT_DIR = join(ROOT, 'test-artifacts', 'electronegativity');
/** The whole run (both scans) normally takes a few seconds; past this something hangs. */
const SCAN_TIMEOUT_MS = 60_000;
const FAILING_SEVERITY = 'HIGH';
const SEVERITY_ORDER = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

const SCANS = [
  { name: 'source', paths: ['package.json', 'src-main', 'src-preload', 'src-renderer', 'src-shared'], required: true },
  { name: 'bundle', paths: ['package.json', 'out'], required: false },
];

/** Checks that cannot run offline; each with the reason it is off. */
const DISABLED_CHECKS = [
  {
    check: 'AvailableSecurityFixesGlobalCheck',
    reason: 'downloads the Electron release list from GitHub to compare patch versions; CI has no network',
  },
];

/**
 * HIGH findings that were reviewed and judged false positives. Each entry names the check, may
 * narrow it to one file (repo-relative, as printed), and must say why it is safe. Keep it empty
 * unless a finding was really checked: an entry here turns a real problem into silence.
 * @type {Array<{ check: string, file?: string, reason: string }>}
 */
const HIGH_ALLOWLIST = [];

// ------------------------------------------------------------------------------- the tool

const toolRequire = createRequire(join(ROOT, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js'));

/** Replaces the tool's HTTP client before the tool loads it: every request gets a 404, locally. */
function cutNetwork() {
  const gotPath = toolRequire.resolve('got');
  const notFound = () => Promise.resolve({ statusCode: 404, body: '', headers: {} });
  const offlineGot = Object.assign(notFound, { get: notFound, head: notFound, post: notFound, stream: notFound });
  toolRequire.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offlineGot, children: [], paths: [] };
}

function electronVersion() {
  const file = join(ROOT, 'node_modules', 'electron', 'package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch (error) {
    throw new Error(`cannot read the Electron version from ${relative(ROOT, file)} (${error.message}); run npm ci first`);
  }
}

function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Copies the scan's paths into a fresh folder, keeping repo-relative paths (so findings read src-main/...). */
function stage(scan) {
  const folder = mkdtempSync(join(tmpdir(), `parley-electronegativity-${scan.name}-`));
  for (const path of scan.paths) {
    cpSync(join(ROOT, path), join(folder, path), {
      recursive: true,
      filter: (source) => !source.split(/[\\/]/).includes('node_modules') && !/\.test\.[cm]?[jt]sx?$/.test(source),
    });
  }
  return folder;
}

async function runScan(run, scan, version) {
  const folder = stage(scan);
  try {
    const result = await run(
      {
        input: folder,
        output: undefined,
        isSarif: false,
        customScan: [],
        excludeFromScan: DISABLED_CHECKS.map((entry) => entry.check),
        severitySet: undefined,
        confidenceSet: undefined,
        isRelative: true,
        isVerbose: true,
        electronUpgrade: undefined,
        electronVersionOverride: version,
        parserPlugins: [],
      },
      false,
    );
    return {
      checks: result.globalChecks + result.atomicChecks,
      findings: result.issues.map((issue) => toFinding(scan.name, issue)),
      unparsed: result.errors
        .filter((error) => !error.tolerable)
        .map((error) => ({ file: relative(folder, error.file), message: error.message })),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function toFinding(scan, issue) {
  const file = issue.file === 'N/A' ? '(whole app)' : issue.file.split('\\').join('/');
  const finding = {
    scan,
    check: issue.id,
    severity: issue.severity?.name ?? 'UNKNOWN',
    confidence: issue.confidence?.name ?? 'UNKNOWN',
    file,
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    sample: typeof issue.sample === 'string' ? issue.sample : '',
    description: issue.description ?? '',
    reviewRequired: Boolean(issue.manualReview),
    url: `https://github.com/doyensec/electronegativity/wiki/${issue.id}`,
  };
  const allowed = HIGH_ALLOWLIST.find((entry) => entry.check === finding.check && (entry.file === undefined || entry.file === finding.file));
  return { ...finding, allowlisted: finding.severity === FAILING_SEVERITY && allowed ? allowed.reason : '' };
}

// ------------------------------------------------------------------------------- reports

function csvField(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writeCsv(path, findings) {
  const columns = ['scan', 'check', 'severity', 'confidence', 'file', 'line', 'column', 'review_required', 'allowlisted', 'description', 'sample', 'url'];
  const rows = findings.map((f) => [f.scan, f.check, f.severity, f.confidence, f.file, f.line, f.column, f.reviewRequired, f.allowlisted, f.description, f.sample, f.url]);
  writeFileSync(path, [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n');
}

function writeSarif(path, findings, toolVersion) {
  const level = { HIGH: 'error', MEDIUM: 'warning', LOW: 'note', INFORMATIONAL: 'note' };
  const rules = [...new Map(findings.map((f) => [f.check, f])).values()].map((f) => ({
    id: f.check,
    shortDescription: { text: f.check },
    helpUri: f.url,
    properties: { category: 'Security' },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Electronegativity', version: toolVersion, informationUri: 'https://github.com/doyensec/electronegativity', rules } },
        results: findings.map((f) => ({
          ruleId: f.check,
          level: level[f.severity] ?? 'warning',
          message: { text: `${f.description} (${f.severity}, confidence ${f.confidence}, ${f.scan} scan)` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file === '(whole app)' ? 'package.json' : f.file },
                region: { startLine: Math.max(1, f.line), startColumn: f.column + 1 },
              },
            },
          ],
          properties: { severity: f.severity, confidence: f.confidence, scan: f.scan, reviewRequired: f.reviewRequired, ...(f.allowlisted ? { allowlisted: f.allowlisted } : {}) },
          ...(f.allowlisted ? { suppressions: [{ kind: 'inSource', justification: f.allowlisted }] } : {}),
        })),
      },
    ],
  };
  writeFileSync(path, JSON.stringify(sarif, null, 2) + '\n');
}

function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows.map((row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

const location = (f) => (f.line > 0 ? `${f.file}:${f.line}:${f.column}` : f.file);

// ------------------------------------------------------------------------------- main

async function main() {
  const started = performance.now();
  const version = electronVersion();
  cutNetwork();
  process.env.LANG = 'en-US'; // the tool picks its message language from LANG
  const run = toolRequire('../dist/runner.js');
  const toolVersion = JSON.parse(readFileSync(toolRequire.resolve('../package.json'), 'utf8')).version;

  console.log(`electronegativity ${toolVersion}: checking Parley as Electron ${version}, offline`);
  for (const { check, reason } of DISABLED_CHECKS) console.log(`  off: ${check} (${reason})`);

  const findings = [];
  const unparsed = [];
  const scanned = [];
  for (const scan of SCANS) {
    const missing = scan.paths.filter((path) => !exists(join(ROOT, path)));
    if (missing.length > 0) {
      if (scan.required) throw new Error(`the ${scan.name} scan needs ${missing.join(', ')}, which is missing`);
      console.log(`  skipped the ${scan.name} scan: ${missing.join(', ')} not found (run \`npm run build\` first to check the bundle too)`);
      continue;
    }
    const result = await runScan(run, scan, version);
    findings.push(...result.findings);
    unparsed.push(...result.unparsed.map((entry) => ({ ...entry, scan: scan.name })));
    scanned.push(scan.name);
    console.log(`  ${scan.name}: ${scan.paths.join(', ')} → ${result.findings.length} finding(s) from ${result.checks} checks`);
  }

  findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.scan.localeCompare(b.scan) || a.file.localeCompare(b.file) || a.line - b.line);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeCsv(join(OUTPUT_DIR, 'findings.csv'), findings);
  writeSarif(join(OUTPUT_DIR, 'findings.sarif'), findings, toolVersion);

  if (findings.length > 0) {
    console.log('');
    console.log(
      table([
        ['severity', 'confidence', 'check', 'scan', 'location', 'description'],
        ...findings.map((f) => [f.severity + (f.allowlisted ? ' (allowlisted)' : ''), f.confidence, f.check, f.scan, location(f), f.description]),
      ]),
    );
  }
  const summary = [['severity', ...scanned, 'total']];
  for (const severity of SEVERITY_ORDER) {
    const count = (scan) => findings.filter((f) => f.severity === severity && (scan === undefined || f.scan === scan)).length;
    summary.push([severity, ...scanned.map(count), count()]);
  }
  console.log(`\nfindings by severity:\n${table(summary)}`);
  console.log(`reports: ${relative(ROOT, join(OUTPUT_DIR, 'findings.csv'))}, ${relative(ROOT, join(OUTPUT_DIR, 'findings.sarif'))} (${Math.round(performance.now() - started)} ms)`);

  const allowlisted = findings.filter((f) => f.allowlisted);
  for (const f of allowlisted) console.log(`allowlisted HIGH: ${f.check} at ${location(f)}: ${f.allowlisted}`);

  let failed = false;
  const blocking = findings.filter((f) => f.severity === FAILING_SEVERITY && !f.allowlisted);
  if (blocking.length > 0) {
    failed = true;
    console.error(`\nsecurity:scan FAILED: ${blocking.length} HIGH finding(s):`);
    for (const f of blocking) {
      console.error(`  ${f.check}  severity ${f.severity}  confidence ${f.confidence}  ${location(f)} (${f.scan} scan)`);
      console.error(`    ${f.description}`);
      if (f.sample) console.error(`    code: ${f.sample}`);
      console.error(`    ${f.url}`);
    }
    console.error('Fix the code, or if a finding is a false positive, add it to HIGH_ALLOWLIST in scripts/electronegativity-check.mjs with the reason.');
  }
  if (unparsed.length > 0) {
    failed = true;
    console.error(`\nsecurity:scan FAILED: ${unparsed.length} file(s) could not be parsed, so they were not checked:`);
    for (const entry of unparsed) console.error(`  ${entry.file} (${entry.scan} scan): ${entry.message}`);
  }
  if (!failed) console.log(`security:scan passed: no ${FAILING_SEVERITY} findings.`);
  return failed ? 1 : 0;
}

const watchdog = setTimeout(() => {
  console.error(`security:scan FAILED: the scan did not finish within ${SCAN_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, SCAN_TIMEOUT_MS);
watchdog.unref();

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  },
  (error) => {
    clearTimeout(watchdog);
    console.error(`security:scan FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
