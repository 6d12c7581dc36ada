// Opens the data grid view in Chromium wired to a real host session (extension/panels/dataGridSession.ts)
// over the runtime's real query module (runtime/data/gridQuery.ts on DuckDB, in process or through
// `mlpipe serve --stdio`): every message the view posts is answered as the panel answers it. Shared by the view's test and its benchmark.
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataGridSession, type GridRuntime, type GridTarget } from '../../extension/panels/dataGridSession';
import type { GridDatabase } from '../../runtime/data/gridQuery';
import type { DataGridToHost } from '../../webviews/protocol';
import { SCREENSHOTS, type Harness, type Theme } from './webviewHarness';

export interface GridPage {
  page: Page;
  problems: string[];
  session: DataGridSession;
  screenshot(name: string): Promise<string>;
}

export async function openDataGrid(browser: Browser, harness: Harness, grid: GridDatabase | GridRuntime, target: GridTarget, theme: Theme = 'light', size = { width: 1100, height: 700 }): Promise<GridPage> {
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
  const runtime: GridRuntime = { page: (p) => grid.page(p), columnStats: (q) => grid.columnStats(q) };
  const session = new DataGridSession(target, runtime, (m) => {
    void page.evaluate((msg) => window.postMessage(msg, '*'), m).catch(() => undefined);
  });
  await page.exposeFunction('__toHost', (text: string) => {
    void session.handle(JSON.parse(text) as DataGridToHost);
  });
  // The harness's stub acquireVsCodeApi records posts; wrap it so each post also reaches the session.
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    let inner: (() => { postMessage(m: unknown): void }) | undefined;
    Object.defineProperty(window, 'acquireVsCodeApi', {
      configurable: true,
      set(fn: () => { postMessage(m: unknown): void }) {
        inner = fn;
      },
      get() {
        return () => {
          const api = inner!();
          const post = api.postMessage.bind(api);
          api.postMessage = (m: unknown) => {
            post(m);
            void (w['__toHost'] as (t: string) => Promise<void>)(JSON.stringify(m));
          };
          return api;
        };
      },
    });
  });
  await page.goto(harness.url('dataGrid', theme));
  return {
    page,
    problems,
    session,
    screenshot: async (name) => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
  };
}
