import { useMemo } from "react";
import { useQuery } from "urql";
import Chart, { THEME, type ChartOption } from "../../components/Chart";
import { Alert, Loading } from "../../components/ui";
import { DatasetStatsDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

interface ColumnStats {
  name: string;
  type: string;
  count: number;
  nulls: number;
  distinct: number;
  numeric?: { min: number | null; max: number | null; mean: number | null; histogram: { start: number; end: number; count: number }[] } | null;
  top_categories?: { value: string; count: number }[] | null;
}

interface Stats {
  row_count: number;
  columns: ColumnStats[];
  correlation?: { columns: string[]; values: (number | null)[][]; sample_size: number };
}

export function heatmapOption(columns: string[], values: (number | null)[][], min = -1, max = 1): ChartOption {
  const cells: [number, number, number | string][] = [];
  values.forEach((row, i) => row.forEach((v, j) => cells.push([j, i, v === null ? "-" : Number(v.toFixed(3))])));
  return {
    tooltip: { position: "top" },
    grid: { left: 120, right: 20, top: 10, bottom: 110 },
    xAxis: { type: "category", data: columns, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: "category", data: columns, axisLabel: { fontSize: 10 } },
    visualMap: { min, max, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: THEME.heat } },
    series: [{ type: "heatmap", data: cells }],
  };
}

function columnOption(column: ColumnStats): ChartOption | null {
  if (column.numeric && column.numeric.histogram.length > 0) {
    const bins = column.numeric.histogram;
    return {
      tooltip: {},
      grid: { left: 50, right: 10, top: 10, bottom: 40 },
      xAxis: { type: "category", data: bins.map((b) => `${fmt(b.start)}–${fmt(b.end)}`), axisLabel: { fontSize: 9 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: bins.map((b) => b.count), itemStyle: { color: THEME.single }, barCategoryGap: "5%" }],
    };
  }
  if (column.top_categories && column.top_categories.length > 0) {
    const top = column.top_categories.slice(0, 12);
    return {
      tooltip: {},
      grid: { left: 120, right: 10, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: top.map((c) => c.value).reverse(), axisLabel: { fontSize: 10 } },
      series: [{ type: "bar", data: top.map((c) => c.count).reverse(), itemStyle: { color: THEME.single } }],
    };
  }
  return null;
}

function fmt(value: number): string {
  return Math.abs(value) >= 1000 ? value.toExponential(1) : Number(value.toPrecision(3)).toString();
}

export default function DatasetStats({ datasetId }: { datasetId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: DatasetStatsDocument, variables: { id: datasetId } });
  const stats = data?.dataset.stats as Stats | null | undefined;
  const charts = useMemo(
    () => (stats ? stats.columns.map((c) => ({ column: c, option: columnOption(c) })) : []),
    [stats],
  );
  const heatmap = useMemo(
    () => (stats?.correlation && stats.correlation.columns.length > 1 ? heatmapOption(stats.correlation.columns, stats.correlation.values) : null),
    [stats],
  );
  if (error) return <Alert error={toApiError(error)} />;
  if (fetching && !data) return <Loading what="statistics" />;
  if (!stats) return <p>No statistics yet.</p>;
  return (
    <div>
      <div className="chart-grid">
        {charts.map(({ column, option }) => (
          <figure key={column.name} className="chart-card">
            <figcaption>
              <strong>{column.name}</strong>{" "}
              <span className="muted">
                {column.numeric ? "histogram" : "top categories"} · {column.distinct.toLocaleString()} distinct ·{" "}
                {column.nulls.toLocaleString()} missing
              </span>
            </figcaption>
            {option ? (
              <Chart option={option} label={`${column.numeric ? "Histogram" : "Top categories"} of ${column.name}`} height={200} />
            ) : (
              <p className="muted">No chart for this column.</p>
            )}
          </figure>
        ))}
      </div>
      {heatmap && stats.correlation ? (
        <figure className="chart-card wide">
          <figcaption>
            <strong>Correlations</strong>{" "}
            <span className="muted">(Pearson, Cramér's V, correlation ratio; {stats.correlation.sample_size.toLocaleString()} rows)</span>
          </figcaption>
          <Chart option={heatmap} label="Correlation heatmap of the dataset's columns" height={460} />
        </figure>
      ) : null}
    </div>
  );
}
