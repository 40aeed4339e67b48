import { useMemo } from "react";
import Chart, { THEME } from "../../components/Chart";

export default function LossCurve({ points, title = "Loss per epoch" }: { points: [number, number][]; title?: string }) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      // Room for the labels set by hand: ECharts' default ("outerBounds") measures every axis
      // label to fit the grid, half the cost of a draw.
      grid: { left: 60, right: 20, top: 30, bottom: 46, outerBoundsMode: "none" },
      xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 28, minInterval: 1 },
      yAxis: { type: "value", name: "loss", scale: true },
      series: [{ type: "line", data: points, showSymbol: points.length < 50, itemStyle: { color: THEME.single } }],
    }),
    [points],
  );
  return (
    <figure className="chart-card wide">
      <figcaption>
        <strong>{title}</strong>
        {points.length === 0 ? <span className="muted"> · no epoch finished yet</span> : null}
      </figcaption>
      <Chart option={option} label={points.length > 0 ? `${title}: ${points.length} epoch${points.length === 1 ? "" : "s"}, last loss ${points[points.length - 1]![1].toFixed(4)}` : `${title}: no epoch finished yet`} height={260} />
    </figure>
  );
}
