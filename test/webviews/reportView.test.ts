// The report view in headless Chromium, in the page and CSP the extension uses: a Markdown report
// rendered with raw HTML off, an HTML report in a sandboxed frame whose script, inline handlers and
// external loads must not run or load (each would leave a mark we look for), and a Vega-Lite chart
// drawn with the CSP-safe expression interpreter. Light and dark screenshots of each.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromiumMissing, viewsInChromium, type Theme, type ViewPage } from './webviewHarness';
import { readReport } from '../../extension/panels/reportPayload';
import type { ReportSnapshot } from '../../webviews/protocol';

const FIXTURES = join(__dirname, '..', 'fixtures', 'reports');

/** Counts every request made to it: a report that loads anything from the network is caught here. */
let leaks: string[] = [];
let leakServer: Server | undefined;
let leakOrigin = '';

function report(file: string, label: string): ReportSnapshot {
  const snapshot = { ...readReport(join(FIXTURES, file), label), artifactId: 42 };
  return { ...snapshot, body: snapshot.body.replaceAll('http://127.0.0.1:9', leakOrigin) };
}

const skip = chromiumMissing();
describe('report view', { skip }, () => {
  const views = viewsInChromium();
  before(async () => {
    leakServer = createServer((req, res) => {
      leaks.push(req.url ?? '');
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((ok) => leakServer!.listen(0, '127.0.0.1', ok));
    leakOrigin = `http://127.0.0.1:${(leakServer.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((ok) => (leakServer ? leakServer.close(() => ok()) : ok())));

  async function open(snapshot: ReportSnapshot, theme: Theme = 'light'): Promise<ViewPage> {
    leaks = [];
    const view = await views.open('report', theme);
    await view.send({ type: 'report/snapshot', snapshot });
    return view;
  }

  it('renders Markdown with raw HTML off: tags show as text, no script link, nothing fetched', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await open(report('report.md', 'model_card.card · run 2026-12-01T12:00:00'), theme);
      const page = view.page;
      await page.waitForSelector('#report-body.markdown h1');
      assert.equal(await page.textContent('#report-body h1'), 'Model card: penguin classifier');
      assert.equal(await page.textContent('#report-title'), 'model_card.card · run 2026-12-01T12:00:00');
      assert.match((await page.textContent('#report-meta')) ?? '', /report\.md · Markdown · artifact 42/);
      const rows = await page.$$eval('#report-body table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
      assert.deepEqual(rows[2], ['island = Torgersen', '14', '0.857']);
      // The <script> is text in a list item, not an element; the javascript: link is not a link.
      assert.equal(await page.locator('#report-body script').count(), 0);
      assert.match((await page.textContent('#report-body')) ?? '', /<script>document\.body\.dataset\.markdownScriptRan = 'yes'<\/script>/);
      assert.equal(await page.locator('#report-body a').count(), 0);
      assert.equal(await page.evaluate(() => document.body.dataset['markdownScriptRan'] ?? null), null);
      assert.ok(await page.locator('#report-body pre code').count());
      await page.waitForTimeout(200);
      await view.screenshot(`report-markdown-${theme}`);
      assert.deepEqual(leaks, [], 'the markdown image must not be fetched');
      assert.deepEqual(
        view.problems.filter((p) => !/the image '[^']*markdown-leak\.png' violates/.test(p)),
        [],
      );
      await page.close();
    }
  });

  it("shows an HTML report sandboxed: its script, inline handlers and external loads don't run or load", async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await open(report('report.html', 'data_quality.page'), theme);
      const page = view.page;
      await page.waitForSelector('#report-frame');
      const frame = page.frameLocator('#report-frame');
      // The report itself is shown, with its own inline styles.
      await frame.locator('#quality-title').waitFor();
      assert.equal(await frame.locator('#quality-title').textContent(), 'Data quality report');
      assert.equal(await frame.locator('td.bad').evaluate((td) => getComputedStyle(td).fontWeight), '700');
      assert.equal(await page.getAttribute('#report-frame', 'sandbox'), '');
      await page.waitForTimeout(500);
      // None of the marks the report's code would leave is there, and it posted nothing to the view.
      const html = frame.locator('html');
      for (const mark of ['data-script-ran', 'data-onload-ran', 'data-onerror-ran']) assert.equal(await html.getAttribute(mark), null, mark);
      assert.deepEqual(await view.posted('report'), [{ type: 'report/ready' }]);
      // The form cannot be sent either (sandbox without allow-forms).
      await frame.locator('#send').click();
      await page.waitForTimeout(300);
      assert.deepEqual(leaks, [], 'the report loaded or sent something over the network');
      await view.screenshot(`report-html-${theme}`);
      await page.close();
    }
  });

  it('the marks would be there if the same HTML ran unsandboxed (the check above can fail)', async () => {
    const view = await open(report('report.md', 'x'));
    // A page of its own, without the view's policy: only the sandbox and the frame's policy are taken away.
    const page = await view.page.context().browser()!.newPage();
    await view.page.close();
    await page.setContent(report('report.html', 'x').body.replaceAll(leakOrigin, 'http://127.0.0.1:1'));
    await page.waitForFunction(() => document.documentElement.getAttribute('data-onerror-ran') === 'yes');
    assert.equal(await page.getAttribute('html', 'data-script-ran'), 'yes');
    await page.close();
  });

  it('draws a Vega-Lite chart with the expression interpreter, under a CSP without unsafe-eval', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await open(report('report.vl.json', 'accuracy_chart.chart'), theme);
      const page = view.page;
      await page.waitForSelector('#report-chart[data-rendered="true"] svg');
      const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.doesNotMatch(csp ?? '', /unsafe-eval/);
      // The spec's calculate and filter expressions ran: three bars, all islands with >= 10 examples.
      const bars = page.locator('#report-chart svg .mark-rect path');
      assert.equal(await bars.count(), 3);
      const text = (await page.textContent('#report-chart svg')) ?? '';
      assert.match(text, /Accuracy per island/);
      assert.match(text, /accuracy \(%\)/);
      assert.match(text, /Torgersen/);
      assert.deepEqual(view.problems, []);
      await view.screenshot(`report-vega-lite-${theme}`);
      await page.close();
    }
  });

  it('says what is wrong with a broken chart or a folder without a report', async () => {
    const view = await open({ label: 'broken.chart', format: 'vega-lite', body: '{"mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"}}, "data": {"url": "http://127.0.0.1:9/data.csv"}}'.replaceAll('http://127.0.0.1:9', leakOrigin) });
    await view.page.waitForSelector('#report-error');
    assert.match((await view.page.textContent('#report-error')) ?? '', /is not loaded: a report's data goes inline \(data\.values\)/);
    assert.deepEqual(leaks, []);
    await view.send({ type: 'report/snapshot', snapshot: { ...readReport(FIXTURES + '/missing', 'empty.report'), artifactId: 3 } });
    await view.page.waitForFunction(() => document.querySelector('#report-error')?.textContent?.includes('does not exist'));
    await view.page.close();
  });
});
