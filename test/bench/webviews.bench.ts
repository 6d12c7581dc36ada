// Webview figures (issue 6): ELK layout of a 300-component pipeline in the worker, the DAG preview's
// update latency after a keystroke in a 50-component file, and the statistics panel's first screen
// with 500 features. Measured in Debian's Chromium through playwright-core, on the real bundles.
import type { BenchResult } from './result';
import { buildBundles, chromiumMissing, launchBrowser, openView, readFixture, startHarness } from '../webviews/webviewHarness';
import { generatedGraph, generatedYaml, penguinGraph } from '../webviews/syntheticPipelines';
import { graphFor, toDagGraph } from '../../extension/panels/dagGraph';
import { parseFeatureStats } from '../../extension/panels/artifactPayloads';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { loadPipelineText } from '../../runtime/definition/load';
import type { DagToHost, StatisticsSnapshot } from '../../webviews/protocol';

export const title = 'Webviews (issue 6)';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function bench(): Promise<BenchResult[]> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  buildBundles();
  const harness = await startHarness();
  const browser = await launchBrowser();
  const results: BenchResult[] = [];
  try {
    // --- ELK layout, 300 components, in the Blob-URL worker --------------------------------------
    const layouts = async (count: number, rounds: number): Promise<number[]> => {
      const view = await openView(browser, harness, 'dag');
      const ms: number[] = [];
      for (let i = 0; i < rounds; i++) {
        // A different branch count each round: a new shape, so the view really lays it out again.
        await view.send({ type: 'dag/graph', graph: generatedGraph(count, 10 + i), problems: [] });
        await view.page.waitForFunction((k) => Number(document.body.dataset['layoutSeq'] ?? 0) === k, i + 1, { timeout: 60_000 });
      }
      const posted = (await view.posted('dag')) as DagToHost[];
      for (const m of posted) if (m.type === 'dag/laidOut') ms.push(m.layoutMs);
      await view.page.close();
      return ms;
    };
    const big = await layouts(300, 6);
    const small = await layouts(50, 6);
    results.push({
      name: 'DAG layout, 300 components, first layout after opening',
      value: big[0]!,
      unit: 'ms',
      target: '< 1000 ms',
      ok: big[0]! < 1000,
      note: "ELK's compiled code is slow until the JIT has seen a large graph; the view lays out a 60-node graph while the host gathers the real one",
    });
    const warm = median(big.slice(1));
    results.push({
      name: 'DAG layout, 300 components (median of 5 later layouts)',
      value: warm,
      unit: 'ms',
      target: '< 1000 ms',
      ok: warm < 1000,
      reference: { name: '50 components, same view', value: median(small.slice(1)), unit: 'ms' },
    });

    // --- returning to the DAG tab: first graph on screen after the webview is recreated -----------
    // VS Code drops a hidden webview's page and recreates it from its saved state when the tab is shown
    // again. Measured from navigation start to the first rendered graph, with the saved layout (what
    // the view keeps now) and without it (what it did before: start the worker and lay out again).
    const returning = async (count: number): Promise<{ withLayout: number; without: number }> => {
      const first = await openView(browser, harness, 'dag');
      await first.send({ type: 'dag/snapshot', snapshot: { graph: count === 11 ? penguinGraph() : generatedGraph(count), status: {}, problems: [], highlighted: null, canRun: true } });
      await first.page.waitForFunction(() => document.body.dataset['layoutSeq'] === '1', undefined, { timeout: 60_000 });
      await first.page.waitForFunction(() => (window as unknown as { __state?: { layout?: unknown } }).__state?.layout);
      const state = (await first.page.evaluate(() => (window as unknown as { __state: unknown }).__state)) as Record<string, unknown>;
      await first.page.close();
      const firstGraph = async (initial: unknown): Promise<number> => {
        const v = await openView(browser, harness, 'dag', 'light', initial);
        await v.page.waitForFunction(() => document.body.dataset['firstGraphMs'], undefined, { timeout: 60_000 });
        const ms = Number(await v.page.evaluate(() => document.body.dataset['firstGraphMs']));
        await v.page.close();
        return ms;
      };
      const withLayout: number[] = [];
      const without: number[] = [];
      for (let i = 0; i < 5; i++) {
        withLayout.push(await firstGraph(state));
        without.push(await firstGraph({ ...state, layout: null }));
      }
      return { withLayout: median(withLayout), without: median(without) };
    };
    for (const [count, label] of [
      [11, 'penguin, 11 components'],
      [300, '300 components'],
    ] as const) {
      const r = await returning(count);
      results.push({
        name: `DAG tab shown again: first graph on screen (${label})`,
        value: r.withLayout,
        unit: 'ms',
        target: 'at once (< 200 ms)',
        ok: r.withLayout < 200,
        reference: { name: 'laying it out again, as before', value: r.without, unit: 'ms' },
        note: 'page navigation start to the first rendered graph, median of 5, in the test harness (VS Code adds its own webview start-up to both)',
      });
    }

    // --- keystroke to screen, 50-component file --------------------------------------------------
    // The runtime's as-you-type check (parse + validate), as `mlpipe/validate` runs it.
    const check = (file: string, text: string) => loadPipelineText(file, text, { catalog: registryCatalog });
    const note = 'runtime loadPipelineText (parse + validate)';
    const view = await openView(browser, harness, 'dag');
    const file = '/bench/generated-50.pipeline.yaml';
    const baseText = generatedYaml(50);
    const first = graphFor(check(file, baseText)) ?? toDagGraph(check(file, baseText).pipeline!);
    await view.send({ type: 'dag/snapshot', snapshot: { graph: first, status: {}, problems: [], highlighted: null, canRun: true } });
    await view.page.waitForFunction(() => document.body.dataset['layoutSeq'] === '1', undefined, { timeout: 60_000 });
    const edit = async (text: string, structural: boolean): Promise<{ total: number; parse: number }> => {
      const t0 = performance.now();
      const result = check(file, text);
      const graph = graphFor(result) ?? toDagGraph(result.pipeline!);
      const parse = performance.now() - t0;
      const pageMs = await view.page.evaluate(
        async ({ message, structural }) => {
          const start = performance.now();
          const key = structural ? 'layoutSeq' : 'graphSeq';
          const before = document.body.dataset[key] ?? '0';
          window.postMessage(message, '*');
          while ((document.body.dataset[key] ?? '0') === before) await new Promise((r) => setTimeout(r, 1));
          // The frame that shows it.
          await new Promise((r) => requestAnimationFrame(() => r(undefined)));
          return performance.now() - start;
        },
        { message: { type: 'dag/graph', graph, problems: [] }, structural },
      );
      return { total: parse + pageMs, parse };
    };
    const paramEdits: number[] = [];
    const structuralEdits: number[] = [];
    let parseMs = 0;
    for (let i = 0; i < 8; i++) {
      // Typing inside a params value: same graph shape, no layout.
      const r = await edit(baseText.replace('command: [node, step.js', `command: [node, step${i}.js`), false);
      paramEdits.push(r.total);
      parseMs = r.parse;
      // Typing a new wiring: step_49 reads one more step, so the graph is laid out again.
      const s = await edit(baseText.replace('  step_49:\n    type: Command\n    inputs: {data: step_45.out}', `  step_49:\n    type: Command\n    inputs: {data: step_45.out, extra: step_${i}.out}`), true);
      structuralEdits.push(s.total);
    }
    const relayouts = ((await view.posted('dag')) as DagToHost[]).flatMap((m) => (m.type === 'dag/laidOut' ? [m.layoutMs] : [])).slice(1);
    await view.page.close();
    results.push({
      name: 'DAG update after a keystroke, 50 components (param edit)',
      value: median(paramEdits),
      unit: 'ms',
      target: '< 150 ms',
      ok: median(paramEdits) < 150,
      note: `${note} ${parseMs.toFixed(1)} ms + post + render; excludes the 120 ms typing debounce and the JSON-RPC hop`,
    });
    results.push({
      name: 'DAG update after a keystroke, 50 components (new edge, re-layout)',
      value: median(structuralEdits),
      unit: 'ms',
      target: '< 150 ms',
      ok: median(structuralEdits) < 150,
      note: `parse + validate + post + ELK layout (median ${median(relayouts)} ms in the worker) + render`,
    });

    // --- statistics, 500 features ----------------------------------------------------------------
    const base = parseFeatureStats(readFixture('FeatureStats.train.json'), 'train');
    const features = Array.from({ length: 500 }, (_, i) => ({ ...base.features[i % 8]!, name: `feature_${String(i).padStart(3, '0')}` }));
    const snapshot: StatisticsSnapshot = { main: { label: 'bench', split: 'train', dataset: { ...base, features }, anomalies: [] }, compare: null, splits: ['train'] };
    const compared: StatisticsSnapshot = { ...snapshot, compare: { label: 'other', split: 'eval', dataset: { ...base, features: features.slice(0, 480) }, anomalies: [] } };
    const firstScreen = async (snap: StatisticsSnapshot): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const v = await openView(browser, harness, 'statistics');
        out.push(
          await v.page.evaluate(async (message) => {
            const start = performance.now();
            window.postMessage(message, '*');
            while (!document.querySelector('.row[data-feature]')) await new Promise((r) => setTimeout(r, 1));
            await new Promise((r) => requestAnimationFrame(() => r(undefined)));
            return performance.now() - start;
          }, { type: 'statistics/snapshot', snapshot: snap }),
        );
        if (i === 4 && snap === snapshot) {
          // Scrolling: frame times while scrolling through the whole list, one row per frame.
          const scroll = (step: number) =>
            v.page.evaluate(async (px) => {
              const list = document.getElementById('list')!;
              const times: number[] = [];
              let last = performance.now();
              for (let k = 0; k < 120; k++) {
                list.scrollTop += px;
                await new Promise((r) => requestAnimationFrame(() => r(undefined)));
                const now = performance.now();
                times.push(now - last);
                last = now;
              }
              return times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)]!;
            }, step);
          const down = await scroll(118);
          // Back up over rows already built: what scrolling costs without building rows (the page's own floor).
          const up = await scroll(-118);
          results.push({
            name: 'Statistics, 500 features: p95 frame time while scrolling',
            value: down,
            unit: 'ms',
            target: 'smooth (< 33 ms)',
            ok: down < 33,
            reference: { name: 'scrolling back over built rows', value: up, unit: 'ms' },
            note: 'one 118 px row per frame (a fast flick), headless Chromium, software rendering',
          });
        }
        await v.page.close();
      }
      return out;
    };
    const single = median(await firstScreen(snapshot));
    const both = median(await firstScreen(compared));
    results.push({ name: 'Statistics, 500 features: first screen', value: single, unit: 'ms', target: '< 300 ms', ok: single < 300, note: 'message posted to first painted frame, median of 5' });
    results.push({ name: 'Statistics, 500 vs 480 features compared: first screen', value: both, unit: 'ms', target: '< 300 ms', ok: both < 300, note: 'includes all per-feature distances' });
  } finally {
    await browser.close();
    await harness.close();
  }
  return results;
}

if (require.main === module) {
  void bench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
