// The DAG preview's minimap, for graphs beyond MINIMAP_MIN_NODES nodes: every node as a small box in
// its state's colour, the visible part of the graph as a frame, and a click or drag on it moves the
// view there.
import { clear, s } from '../shared/elementBuilder';
import type { PanZoom } from '../shared/panZoom';
import type { Layout } from '../shared/graphLayout';

export const MINIMAP_MIN_NODES = 50;
const MAX_W = 200;
const MAX_H = 150;

export class Minimap {
  private readonly svg: SVGSVGElement;
  private readonly nodes: SVGGElement;
  private readonly frame: SVGRectElement;
  private layout: Layout | null = null;
  private scale = 1;

  constructor(stage: HTMLElement, private readonly centreOn: (x: number, y: number) => void) {
    this.svg = s('svg', { id: 'minimap', role: 'img', 'aria-label': 'Overview of the whole graph; click to move there' });
    this.nodes = s('g', {});
    this.frame = s('rect', { class: 'frame' });
    this.svg.append(this.nodes, this.frame);
    this.svg.style.display = 'none';
    stage.appendChild(this.svg);
    let dragging = false;
    const go = (ev: PointerEvent) => {
      const r = this.svg.getBoundingClientRect();
      this.centreOn((ev.clientX - r.left) / this.scale, (ev.clientY - r.top) / this.scale);
    };
    this.svg.addEventListener('pointerdown', (ev) => {
      ev.stopPropagation();
      dragging = true;
      this.svg.setPointerCapture(ev.pointerId);
      go(ev);
    });
    this.svg.addEventListener('pointermove', (ev) => {
      if (dragging) go(ev);
    });
    this.svg.addEventListener('pointerup', () => (dragging = false));
  }

  /** The graph to overview, or null to hide the minimap (small graphs). */
  setGraph(layout: Layout | null): void {
    this.layout = layout;
    clear(this.nodes);
    if (!layout) {
      this.svg.style.display = 'none';
      return;
    }
    this.scale = Math.min(MAX_W / Math.max(1, layout.width), MAX_H / Math.max(1, layout.height));
    this.svg.setAttribute('width', String(Math.ceil(layout.width * this.scale)));
    this.svg.setAttribute('height', String(Math.ceil(layout.height * this.scale)));
    this.svg.style.display = '';
    for (const n of layout.nodes.values()) {
      this.nodes.appendChild(s('rect', { 'data-id': n.id, x: n.x * this.scale, y: n.y * this.scale, width: Math.max(1.5, n.width * this.scale), height: Math.max(1.5, n.height * this.scale) }));
    }
  }

  /** Moves the frame to the part of the graph the stage shows. */
  update(layout: Layout | null, view: PanZoom, stage: HTMLElement): void {
    if (!layout || layout !== this.layout) return;
    const x = (-view.panX / view.zoom) * this.scale;
    const y = (-view.panY / view.zoom) * this.scale;
    this.frame.setAttribute('x', x.toFixed(1));
    this.frame.setAttribute('y', y.toFixed(1));
    this.frame.setAttribute('width', ((stage.clientWidth / view.zoom) * this.scale).toFixed(1));
    this.frame.setAttribute('height', ((stage.clientHeight / view.zoom) * this.scale).toFixed(1));
  }
}
