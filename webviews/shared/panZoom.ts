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

/** Wheel over `stage` zooms: `zoom` gets the factor and the pointer's position inside the stage. */
export function onWheelZoom(stage: HTMLElement, zoom: (factor: number, mx: number, my: number) => void): void {
  stage.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = stage.getBoundingClientRect();
      zoom(wheelZoomFactor(ev.deltaY), ev.clientX - r.left, ev.clientY - r.top);
    },
    { passive: false },
  );
}
