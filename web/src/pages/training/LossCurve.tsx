import { useMemo } from "react";
import Chart, { THEME } from "../../components/Chart";

export default function LossCurve({ points, title = "Loss per epoch" }: { points: [number, number][]; title?: string }) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 20, top: 20, bottom: 40 },
      xAxis: { type: "value", name: "epoch", minInterval: 1 },
      yAxis: { type: "value", name: "loss", scale: true },
      series: [{ type: "line", data: points, showSymbol: points.length < 50, itemStyle: { color: THEME.single } }],
    }),
    [points],
  );
  return (
    <figure className="chart-card wide">
      <figcaption>
        <strong>{title}</strong>
      </figcaption>
      <Chart option={option} label={`${title}: ${points.length} epochs, last loss ${points[points.length - 1]?.[1].toFixed(4) ?? "–"}`} height={260} />
    </figure>
  );
}
