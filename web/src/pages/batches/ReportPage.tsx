import { useCallback, useEffect, useMemo, useRef } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { ChartGrid, HeatScale, LARGE_BARS, THEME, truncate, type Panel } from "../../components/Chart";
import { Alert, Loading } from "../../components/ui";
import { ReportDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";
import { heatmapPanel } from "../datasets/DatasetStats";
import { Conformance, type ConformanceReport } from "./Conformance";
import { binRange, num, pct, share } from "./format";
import RelationalReport from "./RelationalReport";

interface HistogramChart {
  kind: "histogram";
  column: string;
  datetime: boolean;
  bin_edges: number[];
  real: number[];
  synthetic: number[];
}
interface FrequencyChart {
  kind: "frequencies";
  column: string;
  categories: string[];
  real: number[];
  synthetic: number[];
}
interface Heatmap {
  title: string;
  columns: string[];
  values: (number | null)[][];
}
interface Charts {
  columns: (HistogramChart | FrequencyChart)[];
  heatmaps: Heatmap[];
}


function day(value: number): string {
  return new Date(value * 1000).toISOString().slice(0, 10);
}

/** A bin's label: its bounds, which the tooltip shows. A date bin's axis shows its first day, as
 * the dataset's histogram does: two dates side by side overlap and run off the chart. */
function binLabels(chart: HistogramChart): string[] {
  const edges = chart.bin_edges;
  return chart.real.map((_, i) => (chart.datetime ? `${day(edges[i]!)} – ${day(edges[i + 1]!)}` : binRange(edges[i]!, edges[i + 1]!)));
}

/** One column's overlay: real and synthetic shares side by side, per bin or category. */
export function overlayPanel(chart: HistogramChart | FrequencyChart): Panel {
  const labels = chart.kind === "histogram" ? binLabels(chart) : chart.categories;
  const firstDay = chart.kind === "histogram" && chart.datetime ? { formatter: (value: string) => value.split(" – ")[0] } : {};
  return {
    key: chart.column,
    caption: <strong>{chart.column}</strong>,
    label: `Real and synthetic distribution of ${chart.column}`,
    margin: [12, 10, chart.kind === "frequencies" ? 46 : 30, 46],
    xAxis: { type: "category", data: labels, axisLabel: { fontSize: 9, ...firstDay, ...(chart.kind === "frequencies" ? { rotate: 30, formatter: truncate(10) } : {}) } },
    yAxis: { type: "value", splitNumber: 3, axisLabel: { fontSize: 9, formatter: share } },
    series: [
      { ...LARGE_BARS, name: "real", type: "bar", data: chart.real, itemStyle: { color: THEME.real }, barGap: "0%" },
      { ...LARGE_BARS, name: "synthetic", type: "bar", data: chart.synthetic, itemStyle: { color: THEME.synthetic } },
    ],
  };
}

const OVERLAY_TOOLTIP = { trigger: "axis", valueFormatter: (v: number) => pct(v) };
const HEATMAP_TOOLTIP = { position: "top" };

/** Counts charts as they draw; marks `report:charts-rendered` once every one has (bench/bench_web.py reads it). */
function useRenderCount(total: number) {
  const done = useRef(0);
  const marked = useRef(false);
  useEffect(() => {
    done.current = 0;
    marked.current = false;
  }, [total]);
  return useCallback(
    (charts: number) => {
      done.current += charts;
      if (!marked.current && done.current >= total) {
        marked.current = true;
        performance.mark("report:charts-rendered");
        document.body.dataset.reportCharts = String(total);
      }
    },
    [total],
  );
}

export default function ReportPage() {
  const { batchId = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ReportDocument, variables: { batchId }, requestPolicy: "network-only" });
  const report = data?.report;
  const status = report?.status;
  useEffect(() => {
    if (status !== "PENDING" && status !== "RUNNING") return;
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), 2000);
    return () => clearInterval(timer);
  }, [status, refetch]);
  const charts = report?.charts as Charts | null | undefined;
  const heatmaps = useMemo(() => {
    if (!charts || charts.heatmaps.length < 2) return charts?.heatmaps ?? [];
    const [real, synthetic] = charts.heatmaps as [Heatmap, Heatmap];
    const difference: Heatmap = {
      title: "Difference (synthetic − real)",
      columns: real.columns,
      values: real.values.map((row, i) => row.map((v, j) => {
        const s = synthetic.values[i]?.[j];
        return v == null || s == null ? null : s - v;
      })),
    };
    return [real, synthetic, difference];
  }, [charts]);
  const overlays = useMemo(() => {
    // The report's data is here; the charts draw from this render on (read by bench/bench_web.py).
    if (charts) performance.mark("report:data");
    return charts ? charts.columns.map(overlayPanel) : [];
  }, [charts]);
  const heatPanels = useMemo(() => heatmaps.map((h) => heatmapPanel(h.title, h.columns, h.values, `${h.title} heatmap`)), [heatmaps]);
  const rendered = useRenderCount(overlays.length + heatPanels.length);
  const brokenOrders = (report?.orderings ?? []).filter((order) => order.violationCount > 0);

  if (error) {
    const apiError = toApiError(error);
    if (apiError.code === "NOT_FOUND") {
      return (
        <section>
          <h1>Evaluation report</h1>
          <p role="status">There is no report for this batch yet: it is written once the batch is generated.</p>
          <Link to={`/batches/${batchId}`}>Back to the batch</Link>
        </section>
      );
    }
    return <Alert error={apiError} />;
  }
  if (fetching && !data) return <Loading what="the report" />;
  if (!report) return null;
  const quality = (report.quality ?? {}) as { overall_score?: number; column_shapes?: number; column_pair_trends?: number; diagnostic_score?: number };
  const fidelity = (report.fidelity ?? {}) as { mean_score?: number };
  const utility = (report.utility ?? null) as { target_column: string; task: string; metrics: { name: string; synthetic: number; real: number; ratio: number }[] } | null;
  const privacy = (report.privacy ?? null) as Record<string, number | string | string[] | null> | null;

  return (
    <section>
      <p className="crumbs">
        <Link to={`/batches/${batchId}`}>Batch</Link> / Report
      </p>
      <h1>Evaluation report</h1>
      {status === "PENDING" || status === "RUNNING" ? <p role="status">The report is being computed…</p> : null}
      {status === "FAILED" ? (
        <p role="alert" className="alert">
          The evaluation failed: {report.error}
        </p>
      ) : null}
      {report.htmlUrl ? (
        <p>
          <a href={report.htmlUrl} target="_blank" rel="noreferrer">
            Open the full HTML report
          </a>
        </p>
      ) : null}
      {status === "READY" ? (
        <>
          <ul className="scores" aria-label="Scores at a glance">
            <li>
              <span>Quality</span> <strong>{pct(report.qualityScore ?? quality.overall_score)}</strong>
            </li>
            {/* A template batch has no real data: only its schema's checks apply. */}
            {report.kind === "CONFORMANCE" ? null : (
              <>
                <li>
                  <span>Diagnostic</span> <strong>{pct(quality.diagnostic_score)}</strong>
                </li>
                <li>
                  <span>Fidelity</span> <strong>{pct(fidelity.mean_score)}</strong>
                </li>
                <li>
                  <span>Utility</span>{" "}
                  <strong>{utility && utility.metrics[0] ? `${pct(utility.metrics[0].ratio)} of real` : "–"}</strong>
                </li>
                <li>
                  <span>Privacy</span> <strong className={`verdict verdict-${(report.privacyVerdict ?? "").toLowerCase()}`}>{report.privacyVerdict ?? "–"}</strong>
                </li>
              </>
            )}
          </ul>
          {report.tables.length > 0 ? <RelationalReport report={report} /> : null}
          {report.kind === "CONFORMANCE" && report.conformance ? <Conformance report={report.conformance as ConformanceReport} /> : null}
          {utility ? (
            <section aria-labelledby="utility-heading">
              <h2 id="utility-heading">Utility: predicting {utility.target_column}</h2>
              <table>
                <caption className="visually-hidden">Utility metrics</caption>
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Trained on synthetic</th>
                    <th scope="col">Trained on real</th>
                    <th scope="col">Ratio</th>
                  </tr>
                </thead>
                <tbody>
                  {utility.metrics.map((m) => (
                    <tr key={m.name}>
                      <th scope="row">{m.name}</th>
                      <td>{num(m.synthetic)}</td>
                      <td>{num(m.real)}</td>
                      <td>{num(m.ratio)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : report.utilityNote ? (
            <p className="note">{report.utilityNote}</p>
          ) : null}
          {privacy ? <PrivacyTable privacy={privacy} verdict={report.privacyVerdict} /> : null}
          {report.rules.length > 0 ? (
            <section aria-labelledby="rules-heading">
              <h2 id="rules-heading">Rules</h2>
              <table>
                <caption className="visually-hidden">The dataset's rules and the rows that break each</caption>
                <thead>
                  <tr>
                    <th scope="col">Rule</th>
                    <th scope="col">Synthetic rows breaking it</th>
                    <th scope="col">Real rows breaking it</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rules.map((rule) => (
                    <tr key={rule.description}>
                      <th scope="row">{rule.description}</th>
                      <td>{rule.violationCount.toLocaleString()}</td>
                      <td>{rule.realViolationCount.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          {brokenOrders.length > 0 ? (
            <section aria-labelledby="orders-heading">
              <h2 id="orders-heading">Values out of order</h2>
              <p className="note">
                Every real row keeps these orders; some synthetic rows do not. Declare one as an
                inequality rule on the dataset and generation keeps it.
              </p>
              <table>
                <caption className="visually-hidden">Orders the real rows keep and the synthetic rows that break each</caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Synthetic rows breaking it</th>
                    <th scope="col">Real rows (all keep it)</th>
                  </tr>
                </thead>
                <tbody>
                  {brokenOrders.map((order) => (
                    <tr key={order.description}>
                      <th scope="row">{order.description}</th>
                      <td>{order.violationCount.toLocaleString()}</td>
                      <td>{order.realRows.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          {heatPanels.length > 0 ? (
            <section aria-labelledby="heatmaps-heading">
              <h2 id="heatmaps-heading">Correlations</h2>
              <HeatScale what="Correlation (and difference), blue negative to red positive" />
              <ChartGrid panels={heatPanels} height={350} tooltip={HEATMAP_TOOLTIP} onRendered={rendered} className="heatmap-row" />
            </section>
          ) : null}
          {overlays.length > 0 ? (
            <section aria-labelledby="columns-heading">
              <h2 id="columns-heading">Columns: real against synthetic</h2>
              <p className="chart-legend">
                Share of rows per bin or category: <span className="swatch swatch-real" aria-hidden="true" /> real{" "}
                <span className="swatch swatch-synthetic" aria-hidden="true" /> synthetic
              </p>
              <ChartGrid panels={overlays} height={220} tooltip={OVERLAY_TOOLTIP} onRendered={rendered} />
            </section>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

const PRIVACY_ROWS: [string, string, (v: unknown) => string][] = [
  ["dcr_share_closer_to_train", "Synthetic rows closer to training than to holdout rows (0.5 is ideal)", (v) => pct(v as number)],
  ["median_nndr", "Median nearest-neighbour distance ratio", (v) => num(v as number)],
  ["exact_copy_share", "Exact copies of training rows", (v) => pct(v as number)],
  ["uniqueness_share", "Unique synthetic rows", (v) => pct(v as number)],
  ["mia_auc", "Membership-inference AUC (0.5 means no risk)", (v) => num(v as number)],
];

function PrivacyTable({ privacy, verdict }: { privacy: Record<string, unknown>; verdict?: string | null }) {
  const reasons = (privacy.reasons as string[] | undefined) ?? [];
  const dp = privacy.differential_privacy as { epsilon: number; delta: number } | null | undefined;
  return (
    <section aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">Privacy: {verdict ?? "–"}</h2>
      {dp ? (
        <p>
          The model was trained with differential privacy: ε {dp.epsilon.toFixed(2)}, δ {dp.delta} spent. That bounds what any batch can reveal about
          one training row; the measures below are checks on this batch.
        </p>
      ) : null}
      <table>
        <caption className="visually-hidden">Privacy measures</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {PRIVACY_ROWS.map(([key, label, show]) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td>{show(privacy[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {reasons.length > 0 ? (
        <ul aria-label="Why">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
