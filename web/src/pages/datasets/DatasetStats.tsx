import { useMemo, type ReactNode } from "react";
import { useQuery } from "urql";
import { ChartGrid, HeatScale, LARGE_BARS, THEME, truncate, type Panel } from "../../components/Chart";
import { Alert, Loading } from "../../components/ui";
import { DatasetStatsDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";
import { binRange } from "../batches/format";

interface ColumnStats {
  name: string;
  type: string;
  count: number;
  nulls: number;
  distinct: number;
  numeric?: { min: number | null; max: number | null; mean: number | null; histogram: { start: number; end: number; count: number }[] } | null;
  top_categories?: { value: string; count: number }[] | null;
  datetime_min?: string | null;
  datetime_max?: string | null;
  datetime_histogram?: { start: string; end: string; count: number }[] | null;
}

interface Stats {
  row_count: number;
  columns: ColumnStats[];
  correlation?: { columns: string[]; values: (number | null)[][]; sample_size: number };
}

function symmetric(values: (number | null)[][]): boolean {
  return values.every((row, i) => row.every((v, j) => v === (values[j]?.[i] ?? null)));
}

/** How many colours a heatmap's scale has: one step per 0.1 of correlation. */
const HEAT_STEPS = 20;

/** The colour of step `k` of `HEAT_STEPS`, from blue (-1) through white (0) to red (1). */
function heatColour(k: number): string {
  const t = (k + 0.5) / HEAT_STEPS;
  const [from, to, u] = t < 0.5 ? [THEME.heat[0]!, THEME.heat[1]!, t * 2] : [THEME.heat[1]!, THEME.heat[2]!, t * 2 - 1];
  const channel = (hex: string, at: number) => parseInt(hex.slice(at, at + 2), 16);
  const mix = (at: number) => Math.round(channel(from, at) + (channel(to, at) - channel(from, at)) * u);
  return `rgb(${mix(1)}, ${mix(3)}, ${mix(5)})`;
}

/** A correlation heatmap (values from -1 to 1) as one panel of a `ChartGrid`. A symmetric
 * matrix shows its lower triangle only (each pair once, no diagonal of ones): half the cells
 * to read, and to draw.
 *
 * Drawn as one scatter series of square cells per colour step, in ECharts' large mode (one
 * path per series), not as a heatmap series, which makes an element per cell: three 50-column
 * heatmaps were 3,675 elements and most of a report page's drawing time (see the README's
 * Dashboard section). Values beyond ±1 (a difference of correlations) take the end colours. */
export function heatmapPanel(title: string, columns: string[], values: (number | null)[][], label: string, caption?: ReactNode): Panel {
  const triangle = columns.length > 2 && symmetric(values);
  const xs = triangle ? columns.slice(0, -1) : columns;
  const ys = triangle ? columns.slice(1) : columns;
  const steps: [number, number, number][][] = Array.from({ length: HEAT_STEPS }, () => []);
  values.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v === null || (triangle && j >= i)) return;
      const k = Math.min(HEAT_STEPS - 1, Math.max(0, Math.floor(((v + 1) / 2) * HEAT_STEPS)));
      steps[k]!.push([j, triangle ? i - 1 : i, Number(v.toFixed(3))]);
    }),
  );
  const tooltip = { formatter: ({ value }: { value: [number, number, number] }) => `${ys[value[1]]} × ${xs[value[0]]}: ${value[2]}` };
  const series = steps.flatMap((data, k) =>
    data.length === 0
      ? []
      : [{ type: "scatter", data, symbol: "rect", large: true, largeThreshold: 0, itemStyle: { color: heatColour(k) }, emphasis: { disabled: true }, tooltip }],
  );
  return {
    key: title,
    caption: caption ?? <strong>{title}</strong>,
    label,
    margin: [10, 20, 76, 120],
    xAxis: { type: "category", data: xs, axisLabel: { rotate: 60, fontSize: 10, formatter: truncate(16) }, splitArea: { show: false }, axisTick: { show: false } },
    yAxis: { type: "category", data: ys, inverse: true, axisLabel: { fontSize: 10, formatter: truncate(18) }, axisTick: { show: false } },
    series,
    // Each cell fills its slot of the category axes.
    fit: (width, height) => series.map(() => ({ symbolSize: [width / xs.length, height / ys.length] })),
  };
}

/** A date bin's bound as a reader wants it: the day, and the time only when bins are shorter. */
function day(iso: string, withTime: boolean): string {
  return withTime ? iso.slice(0, 16).replace("T", " ") : iso.slice(0, 10);
}

function isDate(value: unknown): value is string {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}

/** A date histogram's bins, or none when any bound is not a date (nothing half-drawn). */
function dateBins(column: ColumnStats): { start: string; end: string; count: number }[] {
  const bins = column.datetime_histogram ?? [];
  return bins.every((b) => isDate(b.start) && isDate(b.end) && Number.isFinite(b.count)) ? bins : [];
}

/** A bin's label: its first and last day, or the one day of a column with a single date. */
function dateLabel(bin: { start: string; end: string }, withTime: boolean): string {
  const [start, end] = [day(bin.start, withTime), day(bin.end, withTime)];
  return start === end ? start : `${start} – ${end}`;
}

export function columnPanel(column: ColumnStats): Panel | null {
  const dates = dateBins(column);
  const kind = column.numeric || dates.length > 0 ? "histogram" : "top categories";
  const caption = (
    <>
      <strong>{column.name}</strong>{" "}
      <span className="muted">
        {kind} · {column.distinct.toLocaleString()} distinct · {column.nulls.toLocaleString()} missing
      </span>
    </>
  );
  const label = `${kind === "histogram" ? "Histogram" : "Top categories"} of ${column.name}`;
  if (dates.length > 0) {
    const withTime = dates.some((b) => !b.start.slice(11).startsWith("00:00:00")) && Date.parse(dates[0]!.end) - Date.parse(dates[0]!.start) < 86_400_000;
    return {
      key: column.name,
      caption,
      label,
      margin: [10, 10, 30, 50],
      xAxis: { type: "category", data: dates.map((b) => dateLabel(b, withTime)), axisLabel: { fontSize: 9, formatter: (value: string) => value.split(" – ")[0] } },
      yAxis: { type: "value", axisLabel: { fontSize: 9 } },
      series: [{ ...LARGE_BARS, type: "bar", data: dates.map((b) => b.count), itemStyle: { color: THEME.single }, barCategoryGap: "5%" }],
    };
  }
  if (column.numeric && column.numeric.histogram.length > 0) {
    const bins = column.numeric.histogram;
    return {
      key: column.name,
      caption,
      label,
      margin: [10, 10, 30, 50],
      xAxis: { type: "category", data: bins.map((b) => binRange(b.start, b.end)), axisLabel: { fontSize: 9 } },
      yAxis: { type: "value", axisLabel: { fontSize: 9 } },
      series: [{ ...LARGE_BARS, type: "bar", data: bins.map((b) => b.count), itemStyle: { color: THEME.single }, barCategoryGap: "5%" }],
    };
  }
  if (column.top_categories && column.top_categories.length > 0) {
    const top = column.top_categories.slice(0, 12);
    return {
      key: column.name,
      caption,
      label,
      margin: [10, 10, 24, 110],
      xAxis: { type: "value", axisLabel: { fontSize: 9 } },
      yAxis: { type: "category", data: top.map((c) => c.value).reverse(), axisLabel: { fontSize: 10, formatter: truncate(16) } },
      series: [{ ...LARGE_BARS, type: "bar", data: top.map((c) => c.count).reverse(), itemStyle: { color: THEME.single } }],
    };
  }
  return null;
}

const TOOLTIP = {};

/** Why a column has no chart: no values; numbers none of which is finite ("inf"); dates whose
 * statistics predate date histograms (their range is still known); or more distinct values
 * than are counted. */
function NoChart({ columns }: { columns: ColumnStats[] }) {
  const reasons = new Map<string, string[]>();
  const ranges: ReactNode[] = [];
  for (const c of columns) {
    if (c.count > 0 && isDate(c.datetime_min) && isDate(c.datetime_max)) {
      ranges.push(
        <p className="muted" key={c.name}>
          {c.name}: dates from {day(c.datetime_min, false)} to {day(c.datetime_max, false)}.
        </p>,
      );
      continue;
    }
    const reason = c.count === 0 ? "no values" : c.numeric ? "no finite values" : c.datetime_histogram ? "dates that could not be read" : "too many distinct values to count";
    reasons.set(reason, [...(reasons.get(reason) ?? []), c.name]);
  }
  return (
    <>
      {ranges}
      {[...reasons].map(([reason, names]) => (
        <p className="muted" key={reason}>
          No chart for {names.join(", ")}: {reason}.
        </p>
      ))}
    </>
  );
}

export default function DatasetStats({ datasetId }: { datasetId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: DatasetStatsDocument, variables: { id: datasetId } });
  const stats = data?.dataset.stats as Stats | null | undefined;
  const panels = useMemo(() => (stats ? stats.columns.map(columnPanel).filter((p): p is Panel => p !== null) : []), [stats]);
  const without = useMemo(() => (stats ? stats.columns.filter((c) => !columnPanel(c)) : []), [stats]);
  const heatmap = useMemo(() => {
    const correlation = stats?.correlation;
    if (!correlation || correlation.columns.length < 2) return [];
    const caption = (
      <>
        <strong>Correlations</strong>{" "}
        <span className="muted">(Pearson, Cramér's V, correlation ratio; {correlation.sample_size.toLocaleString()} rows)</span>
      </>
    );
    return [heatmapPanel("Correlations", correlation.columns, correlation.values, "Correlation heatmap of the dataset's columns", caption)];
  }, [stats]);
  if (error) return <Alert error={toApiError(error)} />;
  if (fetching && !data) return <Loading what="statistics" />;
  if (!stats) return <p>No statistics yet.</p>;
  return (
    <div>
      <ChartGrid panels={panels} height={200} tooltip={TOOLTIP} />
      <NoChart columns={without} />
      {heatmap.length > 0 ? (
        <>
          <HeatScale what="Correlation, blue negative to red positive" />
          <ChartGrid panels={heatmap} height={440} tooltip={TOOLTIP} className="chart-single" />
        </>
      ) : null}
    </div>
  );
}
