// Pan and zoom of a laid-out graph (the DAG preview and the lineage graph): the same wheel feel and the
// same transform in both views.

export interface PanZoom {
  zoom: number;
  panX: number;
  panY: number;
}

/** The SVG transform of the graph's viewport group. */
export function viewportTransform(v: PanZoom): string {
  return `translate(${v.panX.toFixed(1)},${v.panY.toFixed(1)}) scale(${v.zoom.toFixed(4)})`;
}

/** How much one wheel event zooms (out for positive deltaY). */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}

/**
 * Zooms by `factor`, clamped to [minZoom, 3], keeping the stage point (mx, my) over the same spot of
 * the graph, as map views do.
 */
export function zoomedAt(v: PanZoom, factor: number, mx: number, my: number, minZoom: number): PanZoom {
  const zoom = Math.min(3, Math.max(minZoom, v.zoom * factor));
  return { zoom, panX: mx - ((mx - v.panX) * zoom) / v.zoom, panY: my - ((my - v.panY) * zoom) / v.zoom };
}

/**
 * Wheel over `stage` scrolls the graph, as a document scrolls (Shift turns it sideways); Ctrl/Cmd+wheel
 * and a trackpad pinch (which Chromium reports as Ctrl+wheel) zoom at the pointer. A graph larger than
 * its pane is read by scrolling, not by shrinking it.
 */
export function onWheelPanZoom(stage: HTMLElement, zoom: (factor: number, mx: number, my: number) => void, pan: (dx: number, dy: number) => void): void {
  stage.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      if (ev.ctrlKey || ev.metaKey) {
        const r = stage.getBoundingClientRect();
        zoom(wheelZoomFactor(ev.deltaY), ev.clientX - r.left, ev.clientY - r.top);
        return;
      }
      // Lines (Firefox-style deltaMode 1) are about 16 px.
      const unit = ev.deltaMode === 1 ? 16 : 1;
      if (ev.shiftKey && ev.deltaX === 0) pan(-ev.deltaY * unit, 0);
      else pan(-ev.deltaX * unit, -ev.deltaY * unit);
    },
    { passive: false },
  );
}
