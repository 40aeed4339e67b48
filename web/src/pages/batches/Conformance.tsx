import type { ReactNode } from "react";
import { DataTable } from "../../components/lists";
import { pct } from "./format";

// A template batch's report (the evaluation service's `ConformanceReport`): each table's checks
// against its schema, as the full HTML report lists them.
interface Check {
  check: string;
  conforming_share: number;
  passed: boolean;
}
interface ForeignKey {
  column: string;
  references_table: string;
  references_column: string;
  conforming_share: number;
  passed: boolean;
}
interface TableConformance {
  table: string;
  rows: number;
  fields: { column: string; checks: Check[] }[];
  foreign_keys?: ForeignKey[];
}
export interface ConformanceReport {
  score: number;
  passed: boolean;
  tables: TableConformance[];
}

interface Row {
  key: string;
  column: string;
  check: ReactNode;
  share: number;
  passed: boolean;
}

function rows(table: TableConformance): Row[] {
  const checks = table.fields.flatMap((field) =>
    field.checks.map((c) => ({ key: `${field.column}:${c.check}`, column: field.column, check: c.check, share: c.conforming_share, passed: c.passed })),
  );
  const keys = (table.foreign_keys ?? []).map((k) => ({
    key: `${k.column}:fk`,
    column: k.column,
    check: `foreign key → ${k.references_table}.${k.references_column}`,
    share: k.conforming_share,
    passed: k.passed,
  }));
  return [...checks, ...keys];
}

export function Conformance({ report }: { report: ConformanceReport }) {
  return (
    <section aria-labelledby="conformance-heading">
      <h2 id="conformance-heading">Schema conformance: {report.passed ? "pass" : "fail"}</h2>
      <p>A template batch has no real data behind it: it is checked against its schema only.</p>
      {report.tables.map((table) => (
        <section key={table.table} aria-labelledby={`conformance-${table.table}`}>
          <h3 id={`conformance-${table.table}`}>
            Table {table.table} ({table.rows.toLocaleString()} rows)
          </h3>
          <DataTable
            caption={`Checks of the ${table.table} table`}
            rows={rows(table)}
            rowKey={(row) => row.key}
            columns={[
              { header: "Column", cell: (row) => row.column },
              { header: "Check", cell: (row) => row.check },
              { header: "Conforming", cell: (row) => pct(row.share) },
              { header: "Result", cell: (row) => <span className={row.passed ? "verdict-pass" : "verdict-fail"}>{row.passed ? "pass" : "fail"}</span> },
            ]}
          />
        </section>
      ))}
    </section>
  );
}
