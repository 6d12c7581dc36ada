// Report view: the Markdown, HTML or Vega-Lite a step wrote into a Report artifact (common/artifacts.ts).
// Everything around the report is built with h() (text only). The report body itself is shown three ways,
// none of which runs the report's code:
//  - Markdown through markdown-it with raw HTML off (a `<script>` in it is text), inserted as parsed nodes;
//  - HTML in an <iframe sandbox> without allow-scripts, under its own policy (script-src 'none', nothing
//    fetched): scripts, inline handlers, forms and external loads do not run or load;
//  - Vega-Lite compiled to Vega and run with vega-interpreter (`ast: true`): no eval, no 'unsafe-eval'.
import MarkdownIt from 'markdown-it';
import type { Config, TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { ReportSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h } from '../shared/elementBuilder';
import '../shared/vscodeElements';
import css from './report.css';

adoptStyles(css);
const channel = connect('report');
let snapshot: ReportSnapshot | null = channel.getState()?.snapshot ?? null;
const root = h('main', { id: 'root' });
document.body.appendChild(root);

const FORMAT_LABEL: Record<NonNullable<ReportSnapshot['format']>, string> = { markdown: 'Markdown', html: 'HTML, shown without scripts', 'vega-lite': 'Vega-Lite chart' };

/** The policy of the HTML report's frame: inline styles and data: images, nothing else. */
const REPORT_FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src 'none'; form-action 'none'; base-uri 'none'";

/** The report page with the frame's policy as the first thing its parser meets (after a doctype, if any). */
function framedHtml(body: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${REPORT_FRAME_CSP}">`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(body);
  return doctype ? `${doctype[0]}${meta}${body.slice(doctype[0].length)}` : `${meta}${body}`;
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

function markdownBody(text: string): HTMLElement {
  const article = h('article', { id: 'report-body', class: 'markdown' });
  // markdown-it escapes all text and, with html off, emits only its own tags; its link check drops
  // javascript:, vbscript:, file: and non-image data: targets. DOMParser documents never run scripts.
  const parsed = new DOMParser().parseFromString(markdown.render(text), 'text/html');
  article.append(...Array.from(parsed.body.childNodes).map((n) => document.importNode(n, true)));
  return article;
}

function htmlBody(text: string): HTMLElement {
  const frame = h('iframe', { id: 'report-frame', sandbox: true, title: 'Report', referrerpolicy: 'no-referrer' });
  frame.srcdoc = framedHtml(text);
  return frame;
}

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

async function vegaLiteBody(text: string, into: HTMLElement): Promise<void> {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    into.appendChild(h('div', { class: 'banner error', id: 'report-error' }, `report.vl.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  // Loaded when a chart is shown: a Markdown report does not pay for Vega.
  const [vega, vegaLite, { expressionInterpreter }] = await Promise.all([import('vega'), import('vega-lite'), import('vega-interpreter')]);
  const fg = themeColor('--vscode-foreground', '#3b3b3b');
  const muted = themeColor('--vscode-descriptionForeground', '#717171');
  const grid = themeColor('--vscode-panel-border', '#e5e5e5');
  const font = themeColor('--vscode-font-family', 'sans-serif');
  const config = {
    background: 'transparent',
    font,
    title: { color: fg },
    axis: { labelColor: fg, titleColor: fg, domainColor: muted, tickColor: muted, gridColor: grid },
    axisX: { labelAngle: 0 },
    legend: { labelColor: fg, titleColor: fg },
    view: { stroke: grid },
    range: { category: ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'].map((v) => themeColor(v, '#1a85ff')) },
  };
  const chart = h('div', { id: 'report-chart', class: 'chart' });
  into.appendChild(chart);
  try {
    const compiled = vegaLite.compile(spec as TopLevelSpec, { config: config as Config }).spec;
    // Data comes inline with the spec; nothing is fetched (the page's policy would refuse it anyway).
    const loader = vega.loader();
    // Vega only logs a failed load and draws an empty chart: the refusals are kept to say so instead.
    const problems: string[] = [];
    const refuse = (what: string) => {
      const message = `${what} is not loaded: a report's data goes inline (data.values)`;
      problems.push(message);
      return Promise.reject(new Error(message));
    };
    loader.load = (uri: string) => refuse(uri);
    loader.sanitize = (uri: string) => refuse(uri);
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), { expr: expressionInterpreter, renderer: 'svg', container: chart, loader, hover: true });
    await view.runAsync();
    if (problems.length) throw new Error(problems.join('; '));
    chart.setAttribute('data-rendered', 'true');
  } catch (e) {
    clear(chart);
    chart.appendChild(h('div', { class: 'banner error', id: 'report-error' }, `The Vega-Lite chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
  }
}

function render(): void {
  clear(root);
  if (!snapshot) {
    root.appendChild(h('p', { class: 'muted' }, 'Loading the report…'));
    return;
  }
  const s = snapshot;
  const openFile = h('vscode-button', { id: 'open-file', secondary: true, disabled: !s.file }, 'Open file');
  openFile.addEventListener('click', () => channel.post({ type: 'report/openFile' }));
  const lineage = h('vscode-button', { id: 'show-lineage', secondary: true, disabled: s.artifactId === undefined }, 'Show lineage');
  lineage.addEventListener('click', () => channel.post({ type: 'report/showLineage' }));
  root.appendChild(
    h(
      'header',
      { class: 'report-header' },
      h('div', { class: 'titles' }, h('h1', { id: 'report-title', title: s.uri ?? '' }, s.label), h('div', { class: 'muted', id: 'report-meta' }, [s.file, s.format ? FORMAT_LABEL[s.format] : null, s.artifactId !== undefined ? `artifact ${s.artifactId}` : null].filter(Boolean).join(' · '))),
      h('div', { class: 'buttons' }, openFile, lineage),
    ),
  );
  if (s.error) root.appendChild(h('div', { class: 'banner error', id: 'report-error' }, s.error));
  if (s.format === 'markdown') root.appendChild(markdownBody(s.body));
  else if (s.format === 'html') {
    root.classList.add('framed');
    root.appendChild(htmlBody(s.body));
  } else if (s.format === 'vega-lite') {
    const holder = h('section', { id: 'report-body', class: 'vega' });
    root.appendChild(holder);
    void vegaLiteBody(s.body, holder);
  }
  if (s.format !== 'html') root.classList.remove('framed');
}

channel.onMessage((m) => {
  if (m.type === 'report/snapshot') {
    snapshot = m.snapshot;
    channel.setState({ snapshot });
    render();
  }
});
render();
channel.post({ type: 'report/ready' });
