// The report of a batch of several tables or sequences: what must not be missed first (broken
// referential integrity above all), then each link (integrity, children per parent, cross-link
// associations), each sequential table (lengths, gaps, autocorrelation, steps), and each table's
// own scores. The full per-table report is in the HTML report.
import { useMemo } from "react";
import { ChartGrid, RealSyntheticLegend, LARGE_BARS, THEME, type Panel } from "../../components/Chart";
import { TableSection, type Column } from "../../components/lists";
import { Section } from "../../components/page";
import type { RelationalPartsFragment, SpreadFragment } from "../../gql/graphql";
import { num, pct, share } from "./format";


/** Real against synthetic shares per bin of one quantity (children per parent, a length). */
function spreadPanel(key: string, title: string, spread: SpreadFragment): Panel {
  const labels = spread.real.map((_, i) => `${num(spread.binEdges[i], 1)}–${num(spread.binEdges[i + 1], 1)}`);
  return {
    key,
    caption: (
      <>
        <strong>{title}</strong>{" "}
        <span className="muted">
          mean {num(spread.realMean, 2)} real, {num(spread.syntheticMean, 2)} synthetic · shape {pct(spread.score)}
        </span>
      </>
    ),
    label: `Real and synthetic ${title}`,
    margin: [12, 10, 30, 46],
    xAxis: { type: "category", data: labels, axisLabel: { fontSize: 9 } },
    yAxis: { type: "value", splitNumber: 3, axisLabel: { fontSize: 9, formatter: share } },
    series: [
      { ...LARGE_BARS, name: "real", type: "bar", data: spread.real, itemStyle: { color: THEME.real }, barGap: "0%" },
      { ...LARGE_BARS, name: "synthetic", type: "bar", data: spread.synthetic, itemStyle: { color: THEME.synthetic } },
    ],
  };
}

const TOOLTIP = { trigger: "axis", valueFormatter: (v: number) => pct(v) };

/** A verdict as the report colours it. */
function Verdict({ verdict }: { verdict?: string | null }) {
  return <span className={`verdict verdict-${(verdict ?? "").toLowerCase()}`}>{verdict ?? "–"}</span>;
}

const LINK_COLUMNS: Column<RelationalPartsFragment["links"][number]>[] = [
  { header: "Link", cell: (l) => `${l.childTable}.${l.childColumn} → ${l.parentTable}.${l.parentColumn}` },
  {
    header: "Referential integrity",
    cell: (l) =>
      l.integrity.orphanRows + l.integrity.missingKeyRows === 0 ? (
        `${pct(l.integrity.share)} of ${l.integrity.childRows.toLocaleString()} rows`
      ) : (
        <span className="field-error">
          {pct(l.integrity.share)}: {l.integrity.orphanRows.toLocaleString()} orphans
          {l.integrity.orphanExamples.length > 0 ? ` (e.g. ${l.integrity.orphanExamples.slice(0, 3).join(", ")})` : ""}
        </span>
      ),
  },
  { header: "Children per parent", cell: (l) => pct(l.cardinalityScore) },
  { header: "Across the link", cell: (l) => pct(l.correlationScore) },
];

const SEQUENCE_COLUMNS: Column<RelationalPartsFragment["sequences"][number]>[] = [
  { header: "Table", cell: (s) => `${s.table} (${s.entityKey}, by ${s.orderColumn})` },
  { header: "Score", cell: (s) => pct(s.score) },
  { header: "Lengths", cell: (s) => pct(s.length.score) },
  { header: "Gaps", cell: (s) => (s.gaps ? pct(s.gaps.score) : "–") },
  {
    header: "Autocorrelation (lag 1)",
    cell: (s) =>
      s.autocorrelation.length === 0
        ? "–"
        : s.autocorrelation.map((a) => `${a.column} ${num(a.realMean, 2)} real, ${num(a.syntheticMean, 2)} synthetic`).join("; "),
  },
  { header: "Step by step", cell: (s) => pct(s.stepScore) },
  { header: "Privacy", cell: (s) => <Verdict verdict={s.privacyVerdict} /> },
];

const TABLE_COLUMNS: Column<RelationalPartsFragment["tables"][number]>[] = [
  { header: "Table", cell: (t) => t.name },
  { header: "Rows (synthetic / training)", cell: (t) => `${t.syntheticRows.toLocaleString()} / ${t.trainRows.toLocaleString()}` },
  { header: "Quality", cell: (t) => (t.note ? <span className="muted">{t.note}</span> : pct(t.qualityScore)) },
  { header: "Diagnostic", cell: (t) => pct(t.diagnosticScore) },
  { header: "Fidelity", cell: (t) => pct(t.fidelityScore) },
  { header: "Privacy", cell: (t) => <Verdict verdict={t.privacyVerdict} /> },
];

export default function RelationalReport({ report }: { report: RelationalPartsFragment }) {
  const panels = useMemo(
    () => [
      ...report.links.map((l) => spreadPanel(`link-${l.childTable}-${l.childColumn}`, `${l.childTable} per ${l.parentTable}`, l.cardinality)),
      ...report.sequences.flatMap((s) => [
        spreadPanel(`length-${s.table}`, `sequence length of ${s.table}`, s.length),
        ...(s.gaps ? [spreadPanel(`gaps-${s.table}`, `gaps in ${s.table} (${s.gapUnit})`, s.gaps)] : []),
      ]),
    ],
    [report],
  );
  return (
    <>
      {report.alerts.length > 0 ? (
        <ul className="alerts" aria-label="Problems to look at first">
          {report.alerts.map((alert) => (
            <li key={alert} role="alert" className="alert">
              {alert}
            </li>
          ))}
        </ul>
      ) : null}
      {report.multiTableQuality ? (
        <p>
          SDMetrics' multi-table quality: <strong>{pct(report.multiTableQuality.overallScore)}</strong> (children per parent{" "}
          {pct(report.multiTableQuality.cardinality)}, across tables {pct(report.multiTableQuality.intertableTrends)}).
        </p>
      ) : null}
      {report.links.length > 0 ? (
        <TableSection title="Links" caption="Each link between tables in the synthetic data" rows={report.links} rowKey={(l) => `${l.childTable}.${l.childColumn}`} columns={LINK_COLUMNS} />
      ) : null}
      {report.sequences.length > 0 ? (
        <TableSection title="Sequences" caption="Each sequential table, real against synthetic" rows={report.sequences} rowKey={(s) => s.table} columns={SEQUENCE_COLUMNS} />
      ) : null}
      <TableSection title="Tables" caption="Each table's own report" rows={report.tables} rowKey={(t) => t.name} columns={TABLE_COLUMNS} />
      {panels.length > 0 ? (
        <Section title="Children per parent and sequences">
          <RealSyntheticLegend what="Share of parents or sequences per bin" />
          <ChartGrid panels={panels} height={220} tooltip={TOOLTIP} />
        </Section>
      ) : null}
    </>
  );
}
