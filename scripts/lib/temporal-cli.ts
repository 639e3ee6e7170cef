// Finds or builds the Temporal CLI (which embeds the dev server and Web UI).
// Order: TEMPORAL_CLI_PATH, `temporal` on PATH, a cached build outside the repo, then `go install`.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The shape @temporalio/testing takes for its dev server executable. */
export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

export function cacheDir(): string {
  const base = process.env.CHANNELSYNC_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'channelsync');
  return join(base, 'temporal-cli', TEMPORAL_CLI_VERSION);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Returns the CLI path without building anything, or undefined. */
export function findTemporalCli(): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath('temporal');
  if (found) return found;
  const cached = join(cacheDir(), 'temporal');
  if (isExecutable(cached)) return cached;
  return undefined;
}

function findGo(): string | undefined {
  return onPath('go') || ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find(isExecutable);
}

function goVersionOk(go: string): boolean {
  const out = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim(); // e.g. go1.26.8
  const m = /^go(\d+)\.(\d+)/.exec(out);
  return m ? Number(m[1]) > 1 || Number(m[2]) >= 25 : false;
}

function goInstall(go: string, gobin: string): Promise<void> {
  mkdirSync(gobin, { recursive: true });
  console.error(`[setup-temporal] building the Temporal CLI: ${go} install ${MODULE}`);
  console.error('[setup-temporal] first build downloads modules and compiles for several minutes; later runs use the cache');
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['install', '-v', MODULE], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let packages = 0;
    let tail = '';
    const started = Date.now();
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        packages += 1;
        if (packages % 100 === 0 || line.startsWith('go: ')) {
          console.error(`[setup-temporal] ${Math.round((Date.now() - started) / 1000)}s, ${packages} steps: ${line.trim().slice(0, 120)}`);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited ${code}:\n${tail}`))));
  });
}

/** Finds the CLI or builds it into the cache; throws with every option named when nothing works. */
export async function ensureTemporalCli(): Promise<TemporalExecutable> {
  const found = findTemporalCli();
  if (found) return { type: 'existing-path', path: found };
  const go = findGo();
  const problems: string[] = [];
  if (go && goVersionOk(go)) {
    try {
      await goInstall(go, cacheDir());
      const built = join(cacheDir(), 'temporal');
      if (existsSync(built)) return { type: 'existing-path', path: built };
      problems.push(`go install finished but ${built} is missing`);
    } catch (err) {
      problems.push(`go install failed: ${(err as Error).message}`);
    }
  } else {
    problems.push(go ? `${go} is older than Go 1.25` : 'no Go toolchain found (PATH, /usr/local/go/bin)');
  }
  if (process.env.CHANNELSYNC_ALLOW_SDK_DOWNLOAD === '1') return { type: 'cached-download' };
  throw new Error(
    [
      'No Temporal CLI is available. Options:',
      '  1. set TEMPORAL_CLI_PATH to an existing `temporal` binary;',
      '  2. put `temporal` on PATH (e.g. brew install temporal);',
      `  3. install Go >= 1.25 and rerun: it builds ${MODULE} into ${cacheDir()};`,
      '  4. on a machine with internet, set CHANNELSYNC_ALLOW_SDK_DOWNLOAD=1 to let the Temporal SDK download its dev server.',
      'What was tried:',
      ...problems.map((p) => `  - ${p}`),
    ].join('\n'),
  );
}
