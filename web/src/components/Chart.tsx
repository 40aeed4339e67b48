// The one chart component: Apache ECharts on canvas, tree-shaken to the chart types we draw,
// loaded lazily with the pages that show charts. Canvas keeps 50 histograms and three
// heatmaps cheap to draw and needs no inline styles or scripts (the CSP forbids both).
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  AriaComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  AriaComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export const THEME = {
  real: "#3b6fb6",
  synthetic: "#e07b39",
  single: "#3b6fb6",
  heat: ["#3b6fb6", "#f7f7f7", "#c0392b"],
};

/** One chart with an accessible name; `onRendered` fires once its first frame is drawn. */
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
  const rendered = useRef(onRendered);
  rendered.current = onRendered;
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const chart = echarts.init(element, undefined, { renderer: "canvas", height });
    let reported = false;
    chart.on("finished", () => {
      if (!reported) {
        reported = true;
        rendered.current?.();
      }
    });
    // Tooltips drawn on the canvas (richText), not as HTML with inline style attributes,
    // which the CSP's style-src 'self' refuses.
    const tooltip = option.tooltip ? { ...(option.tooltip as object), renderMode: "richText" } : undefined;
    chart.setOption({ animation: false, ...option, ...(tooltip ? { tooltip } : {}) });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [option, height]);
  return <div ref={ref} className="chart" role="img" aria-label={label} data-height={height} />;
}
