// Starts code-server (VS Code's own workbench, served to a browser) with the built extension and a
// temp workspace, and drives it in Debian's Chromium with playwright-core. Recipe:
// docs/testing-in-vscode.md. Not a test file: the e2e tests import it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const repo = join(__dirname, '..', '..');
const CODE_SERVER_VERSION = '4.100.3';
const CHROMIUM = '/usr/bin/chromium';

function codeServerDir(): string {
  return process.env.MLPIPE_CODE_SERVER_DIR || join(homedir(), '.cache', 'mlpipe', `code-server-${CODE_SERVER_VERSION}`);
}
function entry(): string {
  return join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/**
 * Why the e2e tests cannot run here, or undefined when they can. Outside CI a missing code-server is a
 * skip; in CI it is installed on the spot (and a failure to install fails the tests).
 */
export function e2eSkipReason(): string | undefined {
  const installed = existsSync(join(codeServerDir(), '.mlpipe-install-complete')) && existsSync(entry());
  if (!installed) {
    if (!process.env.CI) return `code-server ${CODE_SERVER_VERSION} is not installed (run: node scripts/setupCodeServer.mjs)`;
    const r = spawnSync(process.execPath, [join(repo, 'scripts', 'setupCodeServer.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('installing code-server for the e2e tests failed (see above)');
  }
  if (!existsSync(CHROMIUM)) {
    if (!process.env.CI) return `${CHROMIUM} is missing (apt-get install -y chromium)`;
    throw new Error(`${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
  }
  if (!existsSync(join(repo, 'dist', 'extension', 'extension.js')) || !existsSync(join(repo, 'dist', 'runtime', 'cli.js'))) {
    throw new Error('the extension is not built: run node scripts/build.mjs first');
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Session {
  page: Page;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  url: string;
  /** Everything code-server printed (for failure reports). */
  output(): string;
  /** The workbench console's lines from our extension (the extension host's console is forwarded). */
  console(): string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** false: start with Workspace Trust on, and answer the trust dialog "No" (Restricted Mode). */
  trusted: boolean;
  theme?: 'dark' | 'light';
  /** Which folder of samples/ becomes the workspace (default: basic). */
  sample?: string;
  /** A multi-root workspace: these sub-folders of the workspace, each a copy of the sample. */
  roots?: string[];
  /** An empty workspace folder (no sample copied). */
  empty?: boolean;
  /**
   * Install this VSIX with `code-server --install-extension` (as a user installs a downloaded file)
   * instead of linking the checkout as the extension.
   */
  vsix?: string;
  /** Environment of code-server (and so of the extension host and the runtime it starts) over process.env. */
  env?: Record<string, string>;
}

/** Starts code-server on a temp copy of samples/basic, opens it in Chromium and waits for the workbench. */
export async function openSession(o: SessionOptions): Promise<Session> {
  const base = mkdtempSync(join(tmpdir(), 'mlpipe-e2e-'));
  const workspace = join(base, 'workspace');
  const userDataDir = join(base, 'user');
  const extensionsDir = join(base, 'extensions');
  const copySample = (to: string): void => cpSync(join(repo, 'samples', o.sample ?? 'basic'), to, { recursive: true, filter: (src) => !src.includes('/.mlpipe') });
  let target = workspace;
  if (o.roots?.length) {
    for (const r of o.roots) copySample(join(workspace, r));
    target = join(workspace, 'multi.code-workspace');
    writeFileSync(target, JSON.stringify({ folders: o.roots.map((path) => ({ path })) }, null, 2));
  } else if (o.empty) {
    mkdirSync(workspace, { recursive: true });
  } else {
    copySample(workspace);
  }
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  if (o.vsix) {
    const r = spawnSync(process.execPath, [entry(), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', o.vsix], {
      encoding: 'utf8',
      env: { ...process.env, ...o.env },
      timeout: 120_000,
    });
    if (r.status !== 0 || !/was successfully installed/.test(r.stdout + r.stderr)) {
      rmSync(base, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${o.vsix} failed (${r.status}):\n${r.stdout}${r.stderr}`);
    }
  } else {
    // The checkout is the extension: package.json, dist/ and the runtime's node_modules.
    symlinkSync(repo, join(extensionsDir, 'mlpipe.mlpipe-0.1.0'), 'dir');
  }
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.colorTheme': o.theme === 'light' ? 'Default Light Modern' : 'Default Dark Modern',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.startupPrompt': 'always',
        'window.restoreWindows': 'none',
        'editor.codeLens': true,
        'update.mode': 'none',
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const args = [
    entry(),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.trusted ? ['--disable-workspace-trust'] : []),
    target,
  ];
  let output = '';
  const consoleLines: string[] = [];
  const server: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, env: { ...process.env, CS_DISABLE_GETTING_STARTED_OVERRIDE: '1', MLPIPE_REPORT_ACTIVATION: '1', ...o.env } });
  server.stdout!.setEncoding('utf8');
  server.stderr!.setEncoding('utf8');
  server.stdout!.on('data', (s: string) => (output += s));
  server.stderr!.on('data', (s: string) => (output += s));
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          if (server.exitCode === null) server.kill('SIGKILL');
          r();
        }, 3000);
        server.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${output}`)), 60_000);
      const check = (): void => {
        if (/HTTP server listening/.test(output)) {
          clearTimeout(t);
          resolve();
        }
      };
      server.stdout!.on('data', check);
      server.stderr!.on('data', check);
      server.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`code-server exited (${code}):\n${output}`));
      });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => {
      const text = m.text();
      if (text.includes('mlpipe:')) consoleLines.push(text);
    });
    const url = `http://127.0.0.1:${port}/?${o.roots?.length ? 'workspace' : 'folder'}=${encodeURIComponent(target)}`;
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const session: Session = {
      page,
      workspace,
      userDataDir,
      extensionsDir,
      url,
      output: () => output,
      console: () => consoleLines,
      async screenshot(name: string): Promise<string> {
        const dir = join(repo, 'test-results', 'e2e');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${name}.png`);
        await page.screenshot({ path: file }).catch(() => undefined);
        return file;
      },
      async close(): Promise<void> {
        await stop();
        rmSync(base, { recursive: true, force: true });
      },
    };
    return session;
  } catch (e) {
    await stop();
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
}

/** The webview frame (of any panel) that shows `selector`, waiting up to `timeout` ms for one. */
export async function webviewFrame(page: Page, selector: string, timeout = 30_000): Promise<Frame> {
  const end = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) if (await f.locator(selector).count().catch(() => 0)) return f;
    if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(300);
  }
}

/** Runs a command from the palette by its title, as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Finds files under `dir` whose text matches. */
export function grepFiles(dir: string, pattern: RegExp): Array<{ file: string; match: RegExpMatchArray }> {
  const found: Array<{ file: string; match: RegExpMatchArray }> = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 5_000_000) {
        const m = readFileSync(p, 'utf8').match(pattern);
        if (m) found.push({ file: p, match: m });
      }
    }
  };
  walk(dir);
  return found;
}
