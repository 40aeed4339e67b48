import { useCallback, useEffect, useMemo, useRef } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { ChartGrid, RealSyntheticLegend, HeatScale, LARGE_BARS, THEME, truncate, type Panel } from "../../components/Chart";
import { DataTable, TableSection, type Column } from "../../components/lists";
import { Section } from "../../components/page";
import { Alert, Loading } from "../../components/ui";
import { ReportDocument, type ReportQuery } from "../../gql/graphql";
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
  const brokenDependencies = (report?.dependencies ?? []).filter(
    (d) => d.violationCount > 0 || d.unseenSourceCount > 0,
  );
  const impossibleRows = (report?.impossibleCombinations ?? []).filter((c) => c.violationCount > 0);
  const brokenRanges = (report?.categoryRanges ?? []).filter((r) => r.violationCount > 0);
  const brokenTotals = (report?.totals ?? []).filter((t) => t.violationCount > 0);
  const brokenLeaders = (report?.leaders ?? []).filter((l) => l.violationCount > 0);
  const brokenCalendar = (report?.calendar ?? []).filter((c) => c.violationCount > 0);
  const brokenMissing = (report?.missingWhen ?? []).filter((m) => m.violationCount > 0);
  const repeatedKeys = (report?.uniqueKeys ?? []).filter((k) => k.violationCount > 0);
  const brokenGroups = (report?.groupConstants ?? []).filter((g) => g.violationCount > 0);
  const unlikeForms = (report?.writtenForms ?? []).filter((f) => (f.unlikeShare ?? 0) >= UNLIKE_SHARE || (f.formGap ?? 0) >= FORM_GAP);

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
  const utility = (report.utility ?? null) as { target_column: string; target_reason?: string; task: string; metrics: UtilityMetric[] } | null;
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
          {report.comparison ? (
            <p className="note" aria-label="Compared with">
              <strong>Note:</strong> {report.comparison.note}.
            </p>
          ) : null}
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
                  <strong>{utility && utility.metrics[0] ? utilityAtAGlance(utility.metrics[0]) : "–"}</strong>
                </li>
                <li>
                  <span>Privacy</span> <strong className={`verdict verdict-${(report.privacyVerdict ?? "").toLowerCase()}`}>{report.privacyVerdict ?? "–"}</strong>
                </li>
                {report.combinationVerdict ? (
                  <li>
                    <span>Combinations</span>{" "}
                    <strong className={`verdict verdict-${report.combinationVerdict.verdict.toLowerCase()}`}>{report.combinationVerdict.verdict}</strong>
                  </li>
                ) : null}
                {report.rangeVerdict ? (
                  <li>
                    <span>Ranges</span>{" "}
                    <strong className={`verdict verdict-${report.rangeVerdict.verdict.toLowerCase()}`}>{report.rangeVerdict.verdict}</strong>
                  </li>
                ) : null}
              </>
            )}
          </ul>
          {report.tables.length > 0 ? <RelationalReport report={report} /> : null}
          {report.kind === "CONFORMANCE" && report.conformance ? <Conformance report={report.conformance as ConformanceReport} /> : null}
          {utility ? (
            <Section title={`Utility: predicting ${utility.target_column}`}>
              {utility.target_reason ? <p className="muted">Why this column: {utility.target_reason}</p> : null}
              <DataTable caption="Utility metrics" rows={utility.metrics} rowKey={(m) => m.name} rowHeaders columns={UTILITY_COLUMNS} />
            </Section>
          ) : report.utilityNote ? (
            <p className="note">{report.utilityNote}</p>
          ) : null}
          {privacy ? <PrivacyTable privacy={privacy} verdict={report.privacyVerdict} /> : null}
          {report.rules.length > 0 ? (
            <TableSection title="Rules" caption="The dataset's rules and the rows that break each" rows={report.rules} rowKey={(r) => r.description} rowHeaders columns={RULE_COLUMNS} />
          ) : null}
          {brokenOrders.length > 0 ? (
            <Section title="Values out of order">
              <p className="note">
                Every real row keeps these orders; some synthetic rows do not. Declare one as an
                inequality rule on the dataset and generation keeps it.
              </p>
              <DataTable caption="Orders the real rows keep and the synthetic rows that break each" rows={brokenOrders} rowKey={(o) => o.description} rowHeaders columns={ORDER_COLUMNS} />
            </Section>
          ) : null}
          {brokenDependencies.length > 0 ? (
            <Section title="Columns that other columns determine">
              <p className="note">
                In every real row, each value of the first column goes with one value of the others (a country with its
                continent), two columns together fix a third (a route&apos;s origin and destination fix its distance), or
                a text column joins others (a make is its manufacturer and model); some synthetic rows break that. Models
                trained from now on keep them; for this model, a fixed-combinations rule on the columns does.
              </p>
              <DataTable caption="Columns other columns determine and the synthetic rows that break them" rows={brokenDependencies} rowKey={(d) => d.description} rowHeaders columns={DEPENDENCY_COLUMNS} />
            </Section>
          ) : null}
          {impossibleRows.length > 0 ? (
            <Section title="Combinations the real data rules out">
              {report.combinationVerdict ? <p role="status">{report.combinationVerdict.summary}</p> : null}
              <p className="note">
                No real row has these combinations, or almost none, though the two columns' shares would give many
                (lunch on a Saturday, a husband who is a woman); some synthetic rows have one. The real holdout rows are
                the baseline. Models trained from now on never generate them.
              </p>
              <DataTable caption="Combinations the real data rules out and the synthetic rows that have one" rows={impossibleRows} rowKey={(c) => c.description} rowHeaders columns={IMPOSSIBLE_COLUMNS} />
            </Section>
          ) : null}
          {brokenRanges.length > 0 ? (
            <Section title="Numbers outside their category's real range">
              {report.rangeVerdict ? <p role="status">{report.rangeVerdict.summary}</p> : null}
              <p className="note">
                Every real row of these values has its number within this range (no doctorate under 24, no 6 kg Adelie
                penguin); some synthetic rows do not. The real holdout rows are the baseline. Models trained from now on
                keep numbers within.
              </p>
              <DataTable caption="Ranges a number keeps within a category in the real data and the synthetic rows outside" rows={brokenRanges} rowKey={(r) => r.description} rowHeaders columns={RANGE_COLUMNS} />
            </Section>
          ) : null}
          {brokenTotals.length > 0 ? (
            <Section title="Totals that do not add up">
              <p className="note">
                In every real row the first column is the sum of the others (a total of each candidate's votes); in some
                synthetic rows it is not. Models trained from now on set each total from its parts.
              </p>
              <DataTable caption="Totals every real row adds up and the synthetic rows that do not" rows={brokenTotals} rowKey={(t) => t.description} rowHeaders columns={TOTAL_COLUMNS} />
            </Section>
          ) : null}
          {brokenLeaders.length > 0 ? (
            <Section title="Columns that name the largest of others">
              <p className="note">
                In every real row the first column names the column with the largest value (the winner of an election);
                in some synthetic rows it names another. Models trained from now on set it from the numbers.
              </p>
              <DataTable caption="Columns that name the largest of others and the synthetic rows that name another" rows={brokenLeaders} rowKey={(l) => l.description} rowHeaders columns={LEADER_COLUMNS} />
            </Section>
          ) : null}
          {brokenCalendar.length > 0 ? (
            <Section title="Dates and times that do not exist">
              <p className="note">
                In every real row these columns write a date or a time of day; some synthetic rows are none (31 February,
                10:88). Models trained from now on write real ones.
              </p>
              <DataTable caption="Dates and times of day every real row writes and the synthetic rows that are none" rows={brokenCalendar} rowKey={(c) => c.description} rowHeaders columns={CALENDAR_COLUMNS} />
            </Section>
          ) : null}
          {brokenMissing.length > 0 ? (
            <Section title="Values where the real rows have none">
              <p className="note">
                In every real row with this value these columns are missing (no shoe brand before 2005); some synthetic
                rows have them. Models trained from now on keep them missing.
              </p>
              <DataTable caption="Columns every real row with a value misses and the synthetic rows that have them" rows={brokenMissing} rowKey={(m) => m.description} rowHeaders columns={MISSING_WHEN_COLUMNS} />
            </Section>
          ) : null}
          {repeatedKeys.length > 0 ? (
            <Section title="Keys the real rows never repeat">
              <p className="note">
                No two real rows share these values (a country once a year); some synthetic rows repeat a pair. Models
                trained from now on keep them unique where the real values allow it.
              </p>
              <DataTable caption="Names and years no two real rows share and the synthetic rows repeating one" rows={repeatedKeys} rowKey={(k) => k.description} rowHeaders columns={KEY_COLUMNS} />
            </Section>
          ) : null}
          {brokenGroups.length > 0 ? (
            <Section title="Groups whose rows should be alike">
              <p className="note">
                In every real group of rows sharing an id these columns have one value (an order&apos;s date and time on
                each of its lines); some synthetic rows differ from their group&apos;s first row. Models trained from now on
                keep them alike.
              </p>
              <DataTable caption="Columns constant within each real group and the synthetic rows breaking it" rows={brokenGroups} rowKey={(g) => g.description} rowHeaders columns={GROUP_COLUMNS} />
            </Section>
          ) : null}
          {unlikeForms.length > 0 ? (
            <Section title="Ids and personal data written unlike the real values">
              <p className="note">
                These columns are left out of the scores (their values are made anew), but most of their synthetic values
                are written in a form no real value has (a time of day written as an address), or phones in another mix of
                the real forms.
              </p>
              <DataTable caption="Columns whose synthetic values are written in a form no real value has" rows={unlikeForms} rowKey={(f) => f.column} rowHeaders columns={FORM_COLUMNS} />
            </Section>
          ) : null}
          {heatPanels.length > 0 ? (
            <Section title="Correlations">
              <HeatScale what="Correlation (and difference), blue negative to red positive" />
              <ChartGrid panels={heatPanels} height={350} tooltip={HEATMAP_TOOLTIP} onRendered={rendered} className="heatmap-row" />
            </Section>
          ) : null}
          {overlays.length > 0 ? (
            <Section title="Columns: real against synthetic">
              <RealSyntheticLegend what="Share of rows per bin or category" />
              <ChartGrid panels={overlays} height={220} tooltip={OVERLAY_TOOLTIP} onRendered={rendered} />
            </Section>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

interface UtilityMetric {
  name: string;
  synthetic: number | null;
  real: number | null;
  ratio: number | null;
}

/** The first utility metric as a share of the real model's score; where that share says
 * nothing (no ratio, or a score below zero: an r² worse than predicting the mean), both
 * scores: "r2 −0.19 (real −0.30)" rather than "– of real" or "−15.0 % of real". */
function utilityAtAGlance(metric: UtilityMetric): string {
  if (metric.ratio != null && metric.ratio >= 0 && (metric.real ?? 0) > 0) return `${pct(metric.ratio)} of real`;
  return `${metric.name} ${num(metric.synthetic, 2)} (real ${num(metric.real, 2)})`;
}

const UTILITY_COLUMNS: Column<UtilityMetric>[] = [
  { header: "Metric", cell: (m) => m.name },
  { header: "Trained on synthetic", cell: (m) => num(m.synthetic) },
  { header: "Trained on real", cell: (m) => num(m.real) },
  { header: "Ratio", cell: (m) => num(m.ratio) },
];

const RULE_COLUMNS: Column<ReportQuery["report"]["rules"][number]>[] = [
  { header: "Rule", cell: (r) => r.description },
  { header: "Synthetic rows breaking it", cell: (r) => r.violationCount.toLocaleString() },
  { header: "Real rows breaking it", cell: (r) => r.realViolationCount.toLocaleString() },
];

const ORDER_COLUMNS: Column<ReportQuery["report"]["orderings"][number]>[] = [
  { header: "Order", cell: (o) => o.description },
  { header: "Synthetic rows breaking it", cell: (o) => o.violationCount.toLocaleString() },
  { header: "Real rows (all keep it)", cell: (o) => o.realRows.toLocaleString() },
];

const DEPENDENCY_COLUMNS: Column<ReportQuery["report"]["dependencies"][number]>[] = [
  { header: "Columns", cell: (d) => d.description },
  { header: "Synthetic rows breaking it", cell: (d) => d.violationCount.toLocaleString() },
  { header: "Rows on a pair the real rows never had", cell: (d) => d.unseenSourceCount.toLocaleString() },
  { header: "Real values of the first", cell: (d) => d.sourceValues.toLocaleString() },
];

const IMPOSSIBLE_COLUMNS: Column<ReportQuery["report"]["impossibleCombinations"][number]>[] = [
  { header: "Columns", cell: (c) => c.description },
  { header: "Ruled out", cell: (c) => c.combinations.join("; ") },
  { header: "Synthetic rows with one", cell: (c) => `${c.violationCount.toLocaleString()} (${pct(c.violationShare)})` },
  { header: "Real holdout rows with one", cell: (c) => pct(c.holdoutShare) },
];

const RANGE_COLUMNS: Column<ReportQuery["report"]["categoryRanges"][number]>[] = [
  { header: "Range", cell: (r) => r.description },
  { header: "Synthetic rows outside", cell: (r) => `${r.violationCount.toLocaleString()} (${pct(r.violationShare)})` },
  { header: "Real holdout rows outside", cell: (r) => pct(r.holdoutShare) },
];

const TOTAL_COLUMNS: Column<ReportQuery["report"]["totals"][number]>[] = [
  { header: "Total", cell: (t) => t.description },
  { header: "Synthetic rows breaking it", cell: (t) => t.violationCount.toLocaleString() },
  { header: "Real rows (all add up)", cell: (t) => t.realRows.toLocaleString() },
];

const LEADER_COLUMNS: Column<ReportQuery["report"]["leaders"][number]>[] = [
  { header: "Column", cell: (l) => l.description },
  { header: "Synthetic rows breaking it", cell: (l) => l.violationCount.toLocaleString() },
  { header: "Real rows (all name the largest)", cell: (l) => l.realRows.toLocaleString() },
];

const CALENDAR_COLUMNS: Column<ReportQuery["report"]["calendar"][number]>[] = [
  { header: "Columns", cell: (c) => c.description },
  { header: "Synthetic rows breaking it", cell: (c) => c.violationCount.toLocaleString() },
  { header: "Real rows (all real)", cell: (c) => c.realRows.toLocaleString() },
];

const MISSING_WHEN_COLUMNS: Column<ReportQuery["report"]["missingWhen"][number]>[] = [
  { header: "Columns", cell: (m) => m.description },
  { header: "Synthetic rows breaking it", cell: (m) => m.violationCount.toLocaleString() },
  { header: "Real rows (all missing them)", cell: (m) => m.realRows.toLocaleString() },
];

const KEY_COLUMNS: Column<ReportQuery["report"]["uniqueKeys"][number]>[] = [
  { header: "Key", cell: (k) => k.description },
  { header: "Synthetic rows repeating one", cell: (k) => k.violationCount.toLocaleString() },
  { header: "Of those, more than the real years allow", cell: (k) => k.unavoidableCount.toLocaleString() },
  { header: "Real rows (each pair once)", cell: (k) => k.realRows.toLocaleString() },
];

const GROUP_COLUMNS: Column<ReportQuery["report"]["groupConstants"][number]>[] = [
  { header: "Columns", cell: (g) => g.description },
  { header: "Synthetic rows breaking it", cell: (g) => g.violationCount.toLocaleString() },
  { header: "Real groups", cell: (g) => g.realGroups.toLocaleString() },
  { header: "Rows sharing an id, real / synthetic", cell: (g) => `${pct(g.realRepeatedShare)} / ${pct(g.syntheticRepeatedShare)}` },
];

// The share of a column's synthetic values written unlike every real one, and the gap between
// a phone column's mixes of forms, from which the page names the column (as the report's HTML
// does).
const UNLIKE_SHARE = 0.5;
const FORM_GAP = 0.2;

const FORM_COLUMNS: Column<ReportQuery["report"]["writtenForms"][number]>[] = [
  { header: "Column", cell: (f) => f.column },
  { header: "Written unlike the real values", cell: (f) => pct(f.unlikeShare ?? 0) },
  { header: "Gap between the mixes of forms", cell: (f) => (f.formGap == null ? "" : pct(f.formGap)) },
  { header: "A synthetic value", cell: (f) => f.example ?? "" },
  { header: "A real value", cell: (f) => f.realExample },
];

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
    <Section title={`Privacy: ${verdict ?? "–"}`}>
      {dp ? (
        <p>
          The model was trained with differential privacy: ε {dp.epsilon.toFixed(2)}, δ {dp.delta} spent. That bounds what any batch can reveal about
          one training row; the measures below are checks on this batch.
        </p>
      ) : null}
      <DataTable caption="Privacy measures" rows={PRIVACY_ROWS} rowKey={([key]) => key} rowHeaders columns={[
          { header: "Measure", cell: ([, label]) => label },
          { header: "Value", cell: ([key, , show]) => show(privacy[key]) },
        ]}
      />
      {reasons.length > 0 ? (
        <ul aria-label="Why">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}
