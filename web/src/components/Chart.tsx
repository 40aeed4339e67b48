// The charts: Apache ECharts on canvas, tree-shaken to the chart types we draw, loaded lazily
// with the pages that show charts. Canvas needs no inline styles or scripts (the CSP forbids
// both). Two components: `Chart`, one chart; `ChartGrid`, many small charts of one kind (a
// report's 50 overlays) drawn by a few ECharts instances instead of one each, because every
// instance costs its own canvas, model and layout pass (see bench/bench_web.py and the README).
import { BarChart, LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef, type ReactNode } from "react";

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
type Parts = Record<string, unknown>;

export const THEME = {
  real: "#3b6fb6",
  synthetic: "#e07b39",
  single: "#3b6fb6",
  heat: ["#3b6fb6", "#f7f7f7", "#c0392b"],
};

/** Bars drawn as one path per series, not one element per bar (ECharts' "large" mode, here at
 * any size): a fraction of the work, with tooltips and the same look; no hover highlight. */
export const LARGE_BARS = { large: true, largeThreshold: 0 };

/** An axis label formatter that cuts names to `chars` characters with an ellipsis. Cheaper than
 * ECharts' `overflow: "truncate"`, which measures each label's text to fit a width in pixels. */
export function truncate(chars: number): ((value: string) => string) & { chars: number } {
  const format = (value: string) => (String(value).length > chars ? `${String(value).slice(0, chars - 1)}…` : String(value));
  return Object.assign(format, { chars });
}

// Tooltips drawn on the canvas (richText), not as HTML with inline style attributes, which the
// CSP's style-src 'self' refuses. No animation: charts show their final state at once.
const BASE = { animation: false };
const richTooltip = (tooltip: unknown) => ({ tooltip: { ...(tooltip as object), renderMode: "richText", confine: true } });

/** First draws waiting their turn, one a task, the chart nearest the viewport first: what the
 * reader looks at is drawn first, and the page paints and answers input between two charts. */
const waiting = new Set<{ element: HTMLElement; draw: () => void }>();
let drawing = false;

function drawNext() {
  drawing = false;
  let next: { element: HTMLElement; draw: () => void } | undefined;
  let nearest = Infinity;
  for (const job of waiting) {
    const { top, bottom } = job.element.getBoundingClientRect();
    const distance = bottom < 0 ? -bottom : Math.max(0, top - window.innerHeight);
    if (distance < nearest) [next, nearest] = [job, distance];
  }
  if (!next) return;
  waiting.delete(next);
  try {
    next.draw();
  } finally {
    // A chart that failed to draw does not hold up the others.
    if (waiting.size > 0) {
      drawing = true;
      setTimeout(drawNext, 0);
    }
  }
}

/** Queues a first draw; returns what takes it back. */
function queueDraw(element: HTMLElement, draw: () => void): () => void {
  const job = { element, draw };
  waiting.add(job);
  if (!drawing) {
    drawing = true;
    setTimeout(drawNext, 0);
  }
  return () => waiting.delete(job);
}

/** Calls `draw(width, height)` once the element has a size, and again whenever it changes
 * (a ResizeObserver: read after layout, so measuring forces none). The first draw waits its
 * turn in a queue (`queueDraw`), in a task after the frame, so the page's text is painted
 * before the charts are computed. */
function useSize(
  element: React.RefObject<HTMLElement | null>,
  draw: (width: number, height: number) => void,
  deps: unknown[],
  { watchHeight = true } = {},
) {
  const latest = useRef(draw);
  latest.current = draw;
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    let size = "";
    let queued: [number, number] | null = null;
    let unqueue = () => {};
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry!.contentRect;
      const next = watchHeight ? `${width}x${height}` : `${width}`;
      if (width === 0 || next === size) return;
      const first = size === "";
      size = next;
      if (queued) queued = [width, height];
      else if (!first) latest.current(width, height);
      else {
        queued = [width, height];
        unqueue = queueDraw(target, () => {
          const [w, h] = queued!;
          queued = null;
          latest.current(w, h);
        });
      }
    });
    observer.observe(target);
    return () => {
      unqueue();
      observer.disconnect();
    };
    // `deps` decide when to observe anew; `draw` is read through a ref, so it may change freely.
  }, deps);
}

/** One chart with an accessible name; `onRendered` fires once its first frame is drawn. The
 * ECharts instance lives as long as the component: a new option is drawn into it. */
export default function Chart({
  option,
  label,
  height = 220,
  onRendered,
}: {
  option: ChartOption;
  label: string;
  height?: number;
  onRendered?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const rendered = useRef(onRendered);
  rendered.current = onRendered;
  const full = useMemo(() => ({ ...BASE, ...option, ...(option.tooltip ? richTooltip(option.tooltip) : {}) }), [option]);
  useEffect(() => () => {
    chart.current?.dispose();
    chart.current = null;
  }, []);
  useEffect(() => {
    // Later options (a loss curve that grows) replace the drawing in the same instance.
    chart.current?.setOption(full, { notMerge: true });
  }, [full]);
  useSize(
    ref,
    (width) => {
      if (!chart.current) {
        const instance = echarts.init(ref.current, undefined, { renderer: "canvas", width, height });
        instance.on("finished", function once() {
          instance.off("finished", once);
          // For tests and bench/bench_web.py: the chart's first frame is on screen.
          ref.current?.setAttribute("data-drawn", "");
          rendered.current?.();
        });
        instance.setOption(full, { notMerge: true });
        chart.current = instance;
      } else {
        chart.current.resize({ width, height });
      }
    },
    [height],
    { watchHeight: false },
  );
  return <div ref={ref} className="chart" role="img" aria-label={label} data-height={height} />;
}

/** One small chart of a `ChartGrid`: its caption and accessible name, and its axes and series
 * (`margin` leaves room for the axis labels inside its cell: top, right, bottom, left). */
export interface Panel {
  key: string;
  caption: ReactNode;
  label: string;
  margin: [number, number, number, number];
  xAxis: Parts;
  yAxis: Parts;
  series: Parts[];
  /** What this panel's series need to know of their grid's size in pixels (cells that fill a
   * category's slot): one patch per series, applied at every draw. */
  fit?: (width: number, height: number) => Parts[];
}

/** At most this many panels share one canvas: the canvas stays far below the browsers' size
 * limits (Chromium: 32,767 px a side) whatever the number of columns, and each block is one
 * short task of the draw queue (two rows of three at most: the blocks in view come first and
 * the page stays responsive while the rest draw; measured against 24 a block: the same CPU
 * time, see the README's Dashboard section). */
const PANELS_PER_CANVAS = 6;

/** Small multiples: panels laid out by CSS (figures with HTML captions and accessible names),
 * drawn by one ECharts instance per block of panels whose canvas lies over them. Each panel is
 * a grid of that instance, placed where its figure's slot is. `onRendered(n)` reports the
 * panels drawn, once per block. */
export function ChartGrid({
  panels,
  height,
  tooltip,
  onRendered,
  className = "chart-grid",
}: {
  panels: Panel[];
  height: number;
  tooltip?: Parts;
  onRendered?: (panels: number) => void;
  className?: string;
}) {
  const blocks = useMemo(() => {
    const out: Panel[][] = [];
    for (let i = 0; i < panels.length; i += PANELS_PER_CANVAS) out.push(panels.slice(i, i + PANELS_PER_CANVAS));
    return out;
  }, [panels]);
  return (
    <>
      {blocks.map((block) => (
        <Block key={block[0]!.key} panels={block} height={height} tooltip={tooltip} onRendered={onRendered} className={className} />
      ))}
    </>
  );
}

function Block({
  panels,
  height,
  tooltip,
  onRendered,
  className,
}: {
  panels: Panel[];
  height: number;
  tooltip?: Parts;
  onRendered?: (panels: number) => void;
  className: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const slots = useRef<(HTMLDivElement | null)[]>([]);
  const chart = useRef<echarts.ECharts | null>(null);
  const rendered = useRef(onRendered);
  rendered.current = onRendered;
  // Everything but the positions, built once per set of panels.
  const option = useMemo(() => {
    const allSeries = panels.flatMap((panel, i) => panel.series.map((s) => ({ ...s, xAxisIndex: i, yAxisIndex: i })));
    return {
      ...BASE,
      ...(tooltip ? richTooltip(tooltip) : {}),
      xAxis: panels.map((p, i) => ({ ...p.xAxis, gridIndex: i })),
      yAxis: panels.map((p, i) => ({ ...p.yAxis, gridIndex: i })),
      series: allSeries,
    };
  }, [panels, tooltip]);

  useEffect(() => () => {
    chart.current?.dispose();
    chart.current = null;
  }, []);

  useSize(
    box,
    (width, boxHeight) => {
      // One read of every slot's place (layout is clean here), then the drawing.
      const origin = box.current!.getBoundingClientRect();
      const places = slots.current.slice(0, panels.length).map((slot) => {
        const r = slot!.getBoundingClientRect();
        return { left: r.left - origin.left, top: r.top - origin.top, width: r.width, height: r.height };
      });
      const grid = places.map((p, i) => {
        const [top, right, bottom, left] = panels[i]!.margin;
        return { left: p.left + left, top: p.top + top, width: Math.max(10, p.width - left - right), height: Math.max(10, p.height - top - bottom), outerBoundsMode: "none" };
      });
      const positions = {
        grid,
        xAxis: panels.map((panel, i) => fitLabels(panel.xAxis, grid[i]!.width, true)),
        yAxis: panels.map((panel, i) => fitLabels(panel.yAxis, grid[i]!.height, false)),
        series: panels.flatMap((panel, i) => panel.fit?.(grid[i]!.width, grid[i]!.height) ?? panel.series.map(() => ({}))),
      };
      if (!chart.current) {
        const instance = echarts.init(host.current, undefined, { renderer: "canvas", width, height: boxHeight });
        instance.on("finished", function once() {
          instance.off("finished", once);
          rendered.current?.(panels.length);
        });
        instance.setOption({
          ...option,
          ...positions,
          xAxis: mergeAt(option.xAxis, positions.xAxis),
          yAxis: mergeAt(option.yAxis, positions.yAxis),
          series: option.series.map((series, i) => ({ ...series, ...positions.series[i] })),
        });
        chart.current = instance;
      } else {
        chart.current.resize({ width, height: boxHeight });
        chart.current.setOption(positions);
      }
    },
    [option, panels],
  );

  return (
    <div className="chart-block" ref={box}>
      <div className={className}>
        {panels.map((panel, i) => (
          <figure key={panel.key} className="chart-card">
            <figcaption>{panel.caption}</figcaption>
            <div
              ref={(element) => {
                slots.current[i] = element;
              }}
              className="chart-slot"
              role="img"
              aria-label={panel.label}
              style={{ height }}
            />
          </figure>
        ))}
      </div>
      <div className="chart-canvas" ref={host} aria-hidden="true" />
    </div>
  );
}

function mergeAt(items: Parts[] | undefined, places: Parts[]): Parts[] | undefined {
  return items?.map((item, i) => ({ ...item, ...places[i], axisLabel: { ...(item.axisLabel as object), ...(places[i]?.axisLabel as object) } }));
}

/** Which labels of a category axis to show (every n-th), from the axis's length and the
 * labels' size, as ECharts' automatic interval would choose but without measuring every label:
 * that measuring was the largest part of drawing 50 small charts. */
function fitLabels(axis: Parts, length: number, horizontal: boolean): Parts {
  const label = (axis.axisLabel ?? {}) as Parts;
  if (axis.type !== "category" || label.interval !== undefined) return {};
  const names = (axis.data ?? []) as string[];
  const fontSize = (label.fontSize as number | undefined) ?? 12;
  const rotate = (Math.abs((label.rotate as number | undefined) ?? 0) * Math.PI) / 180;
  let extent = fontSize * 1.3;
  if (horizontal && rotate < 0.25) {
    const chars = (label.formatter as { chars?: number } | undefined)?.chars ?? Infinity;
    const longest = names.reduce((most, name) => Math.max(most, Math.min(String(name).length, chars)), 0);
    extent = longest * fontSize * 0.6 + fontSize;
  } else if (horizontal) {
    extent = (fontSize * 1.3) / Math.sin(rotate);
  }
  return { axisLabel: { interval: Math.max(0, Math.ceil((names.length * extent) / Math.max(1, length)) - 1) } };
}

/** The colour scale of the heatmaps, in HTML: cheaper than an ECharts visual map per heatmap,
 * and one for all the heatmaps that share it. */
export function HeatScale({ what }: { what: string }) {
  return (
    <p className="heat-scale">
      {what}: <span>−1</span>
      <span className="heat-gradient" aria-hidden="true" />
      <span>1</span>
    </p>
  );
}

/** The key to the real and synthetic colours of bar charts, after what a bar measures. */
export function RealSyntheticLegend({ what }: { what: string }) {
  return (
    <p className="chart-legend">
      {what}: <span className="swatch swatch-real" aria-hidden="true" /> real{" "}
      <span className="swatch swatch-synthetic" aria-hidden="true" /> synthetic
    </p>
  );
}
