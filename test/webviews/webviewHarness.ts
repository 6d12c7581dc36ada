// Serves the built webview bundles from 127.0.0.1 inside the same CSP'd page the extension uses
// (extension/panels/html.ts), with a stub acquireVsCodeApi that records what the view posts, and
// drives them in Debian's Chromium through playwright-core.
import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { before, after } from 'node:test';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webviewHtml } from '../../extension/panels/html';
import type { HostToView, ViewKind, ViewToHost } from '../../webviews/protocol';

export const ROOT = resolve(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: apt-get install -y chromium`;
}

let built = false;
/**
 * Builds the webview bundles once per process, with the options scripts/build.mjs uses for them.
 * Only the webviews: a half-finished runtime elsewhere in the tree must not stop these tests.
 */
export function buildBundles(): void {
  if (built) return;
  const script = `
    const { build } = require('esbuild');
    const { readdirSync, existsSync } = require('node:fs');
    (async () => {
      for (const name of readdirSync('webviews')) {
        if (!existsSync('webviews/' + name + '/main.ts')) continue;
        await build({ bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: process.cwd(),
          entryPoints: { [name]: 'webviews/' + name + '/main.ts' }, outdir: 'dist/webviews', platform: 'browser',
          target: 'es2022', format: 'iife', loader: { '.css': 'text' } });
      }
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`webview build failed:\n${result.stderr}${result.stdout}`);
  built = true;
}

export type Theme = 'light' | 'dark';

/** A subset of the variables VS Code injects into every webview, with its default themes' values. */
const THEMES: Record<Theme, Record<string, string>> = {
  light: {
    'font-family': 'system-ui, sans-serif',
    'font-size': '13px',
    'editor-font-family': 'monospace',
    foreground: '#3b3b3b',
    'editor-background': '#ffffff',
    'editor-foreground': '#3b3b3b',
    descriptionForeground: '#717171',
    'panel-border': '#e5e5e5',
    focusBorder: '#005fb8',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'charts-blue': '#1a85ff',
    'gitDecoration-modifiedResourceForeground': '#895503',
    'gitDecoration-addedResourceForeground': '#587c0c',
    'gitDecoration-deletedResourceForeground': '#ad0707',
    'diffEditor-insertedTextBackground': 'rgba(156, 204, 44, 0.25)',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-red': '#e51400',
    'charts-yellow': '#bf8803',
    'charts-purple': '#652d90',
    'charts-foreground': '#616161',
    errorForeground: '#f85149',
    'editorError-foreground': '#e51400',
    'editorWarning-foreground': '#bf8803',
    'inputValidation-warningBackground': '#f6f5d2',
    'inputValidation-errorBackground': '#f2dede',
    'list-hoverBackground': '#f2f2f2',
    'list-activeSelectionBackground': '#e8e8e8',
    'list-activeSelectionForeground': '#000000',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'dropdown-background': '#ffffff',
    'dropdown-foreground': '#3b3b3b',
    'dropdown-border': '#cecece',
    'checkbox-background': '#f8f8f8',
    'checkbox-border': '#cecece',
    'testing-iconPassed': '#388a34',
    'editorWidget-background': '#f8f8f8',
    'textLink-foreground': '#005fb8',
    'menu-background': '#ffffff',
    'menu-foreground': '#3b3b3b',
    'settings-textInputBackground': '#ffffff',
    'settings-textInputForeground': '#3b3b3b',
    'settings-textInputBorder': '#cecece',
    'settings-dropdownBackground': '#ffffff',
    'settings-dropdownForeground': '#3b3b3b',
    'settings-dropdownBorder': '#cecece',
    'settings-dropdownListBorder': '#c8c8c8',
    'settings-checkboxBackground': '#ffffff',
    'settings-checkboxForeground': '#3b3b3b',
    'settings-checkboxBorder': '#cecece',
    'input-placeholderForeground': '#767676',
    'activityBarBadge-background': '#005fb8',
    'activityBarBadge-foreground': '#ffffff',
  },
  dark: {
    'font-family': 'system-ui, sans-serif',
    'font-size': '13px',
    'editor-font-family': 'monospace',
    foreground: '#cccccc',
    'editor-background': '#1f1f1f',
    'editor-foreground': '#cccccc',
    descriptionForeground: '#9d9d9d',
    'panel-border': '#2b2b2b',
    focusBorder: '#0078d4',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'charts-blue': '#3794ff',
    'gitDecoration-modifiedResourceForeground': '#e2c08d',
    'gitDecoration-addedResourceForeground': '#81b88b',
    'gitDecoration-deletedResourceForeground': '#c74e39',
    'diffEditor-insertedTextBackground': 'rgba(156, 204, 44, 0.2)',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-red': '#f14c4c',
    'charts-yellow': '#cca700',
    'charts-purple': '#b180d7',
    'charts-foreground': '#cccccc',
    errorForeground: '#f85149',
    'editorError-foreground': '#f14c4c',
    'editorWarning-foreground': '#cca700',
    'inputValidation-warningBackground': '#352a05',
    'inputValidation-errorBackground': '#5a1d1d',
    'list-hoverBackground': '#2a2d2e',
    'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'dropdown-background': '#313131',
    'dropdown-foreground': '#cccccc',
    'dropdown-border': '#3c3c3c',
    'checkbox-background': '#313131',
    'checkbox-border': '#3c3c3c',
    'testing-iconPassed': '#73c991',
    'editorWidget-background': '#202020',
    'textLink-foreground': '#4daafc',
    'menu-background': '#1f1f1f',
    'menu-foreground': '#cccccc',
    'settings-textInputBackground': '#313131',
    'settings-textInputForeground': '#cccccc',
    'settings-textInputBorder': '#3c3c3c',
    'settings-dropdownBackground': '#313131',
    'settings-dropdownForeground': '#cccccc',
    'settings-dropdownBorder': '#3c3c3c',
    'settings-dropdownListBorder': '#454545',
    'settings-checkboxBackground': '#313131',
    'settings-checkboxForeground': '#cccccc',
    'settings-checkboxBorder': '#3c3c3c',
    'input-placeholderForeground': '#989898',
    'activityBarBadge-background': '#0078d4',
    'activityBarBadge-foreground': '#ffffff',
  },
};

function stubScript(theme: Theme): string {
  const vars = Object.entries(THEMES[theme]).map(([k, v]) => [`--vscode-${k}`, v]);
  // Like VS Code: theme variables on <html>, a theme class on <body>; the API records posts and state.
  return `(() => {
    const vars = ${JSON.stringify(vars)};
    for (const [k, v] of vars) document.documentElement.style.setProperty(k, v);
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add(${JSON.stringify(theme === 'dark' ? 'vscode-dark' : 'vscode-light')}));
    window.__posted = [];
    let state = window.__initialState;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => state,
      setState: (s) => { state = JSON.parse(JSON.stringify(s)); window.__state = state; },
    });
  })();`;
}

export interface Harness {
  url(view: ViewKind, theme?: Theme): string;
  close(): Promise<void>;
}

/** A static server for dist/webviews and the page of each view (`/view/<name>?theme=dark`). */
export async function startHarness(): Promise<Harness> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = /^\/view\/(dag|statistics|lineage|evaluation|approval|runDiff|timeline)$/.exec(url.pathname);
    if (page) {
      const view = page[1] as ViewKind;
      const theme: Theme = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
      const nonce = 'testnonce' + Math.random().toString(36).slice(2);
      const origin = `http://${req.headers.host}`;
      let html = webviewHtml({ view, title: view, scriptUri: `${origin}/dist/webviews/${view}.js`, cspSource: origin, nonce });
      html = html.replace('<script nonce=', `<script nonce="${nonce}">${stubScript(theme)}</script>\n<script nonce=`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const file = /^\/dist\/webviews\/([A-Za-z]+\.js(\.map)?)$/.exec(url.pathname);
    if (file) {
      const path = join(ROOT, 'dist/webviews', file[1]!);
      if (existsSync(path)) {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(readFileSync(path));
        return;
      }
    }
    res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404);
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (view, theme = 'light') => `http://127.0.0.1:${port}/view/${view}?theme=${theme}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ViewPage {
  page: Page;
  /** Problems the page reported: uncaught errors, CSP violations, dialogs (an injected alert()). */
  problems: string[];
  send(message: HostToView[ViewKind]): Promise<void>;
  posted<K extends ViewKind>(kind: K): Promise<Array<ViewToHost[K]>>;
  screenshot(name: string): Promise<string>;
}

export async function openView(browser: Browser, harness: Harness, view: ViewKind, theme: Theme = 'light', initialState?: unknown, size = { width: 1100, height: 760 }): Promise<ViewPage> {
  const page = await browser.newPage({ viewport: size });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  if (initialState !== undefined) await page.addInitScript((s) => ((window as unknown as { __initialState: unknown }).__initialState = s), initialState);
  await page.goto(harness.url(view, theme));
  await page.waitForFunction(() => (window as unknown as { __posted?: unknown[] }).__posted?.length);
  return {
    page,
    problems,
    send: async (message) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    },
    posted: async <K extends ViewKind>(_kind: K) => (await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted)) as Array<ViewToHost[K]>,
    screenshot: async (name) => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
  };
}

/** What a view suite opens its pages through: openView on the suite's shared page server and browser. */
export interface ViewSuite {
  open(view: ViewKind, theme?: Theme, initialState?: unknown, size?: { width: number; height: number }): Promise<ViewPage>;
}

/**
 * Call inside a describe(): registers the hooks every view suite needs (build the bundles, start the
 * page server and Chromium once before its tests, close both after), so each suite states only its views.
 */
export function viewsInChromium(): ViewSuite {
  let harness: Harness | undefined;
  let browser: Browser | undefined;
  before(async () => {
    buildBundles();
    harness = await startHarness();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });
  return {
    open: (view, theme, initialState, size) => {
      if (!browser || !harness) throw new Error('viewsInChromium(): open() was called outside a test of its describe()');
      return openView(browser, harness, view, theme, initialState, size);
    },
  };
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}
