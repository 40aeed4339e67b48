// The rules a dataset's synthetic rows obey: each with the real rows that break it, and (for
// editors) adding or removing one, saved whole with `updateDatasetRules`.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { Alert, Field, Loading, Options, SelectField } from "../../components/ui";
import {
  DatasetRulesListDocument,
  UpdateDatasetRulesDocument,
  type DatasetRulesFragment,
  type RuleBoundInput,
  type RuleInput,
  type RuleKind,
} from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

type Rule = DatasetRulesFragment["rules"][number];

export const KIND_NAMES: Record<RuleKind, string> = {
  INEQUALITY: "Inequality (low column ≤ high column)",
  RANGE: "Range (low ≤ column ≤ high)",
  POSITIVE: "Positive (column ≥ 0)",
  NEGATIVE: "Negative (column ≤ 0)",
  FIXED_COMBINATIONS: "Fixed combinations (only real ones)",
  ONE_HOT: "One-hot group (exactly one is 1)",
  UNIQUE: "Unique column",
};
const KINDS = Object.keys(KIND_NAMES) as RuleKind[];
const ONE_COLUMN: RuleKind[] = ["RANGE", "POSITIVE", "NEGATIVE", "UNIQUE"];
const SEVERAL_COLUMNS: RuleKind[] = ["FIXED_COMBINATIONS", "ONE_HOT"];
const STRICT: RuleKind[] = ["INEQUALITY", "RANGE", "POSITIVE", "NEGATIVE"];

/** A stored rule as the mutation takes it back (outputs left out). */
export function toInput(rule: Rule): RuleInput {
  const bound = (b: Rule["low"]): RuleBoundInput | null =>
    b ? Object.fromEntries(Object.entries({ column: b.column, number: b.number, datetime: b.datetime }).filter(([, v]) => v != null)) : null;
  return { kind: rule.kind, column: rule.column ?? null, columns: rule.columns, low: bound(rule.low), high: bound(rule.high), strict: rule.strict };
}

/** What the user typed as a range bound: a column's name, else a number, else a datetime. */
export function parseBound(text: string, columns: readonly string[]): RuleBoundInput | null {
  const value = text.trim();
  if (!value) return null;
  if (columns.includes(value)) return { column: value };
  const number = Number(value);
  return Number.isFinite(number) ? { number } : { datetime: value };
}

export default function RulesSection({ datasetId, columns, editable }: { datasetId: string; columns: readonly string[]; editable: boolean }) {
  const [{ data, fetching, error }] = useQuery({ query: DatasetRulesListDocument, variables: { id: datasetId }, requestPolicy: "network-only" });
  const [saved, save] = useMutation(UpdateDatasetRulesDocument);
  const rules = saved.data?.updateDatasetRules.rules ?? data?.dataset.rules ?? [];
  const saveError = saved.error ? toApiError(saved.error) : null;

  async function replace(next: RuleInput[]): Promise<boolean> {
    const result = await save({ datasetId, rules: next });
    return Boolean(result.data);
  }

  return (
    <section aria-labelledby="rules-heading">
      <h2 id="rules-heading">Rules</h2>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="the rules" /> : null}
      {data && rules.length === 0 ? <p className="muted">No rules: the synthetic rows follow the model alone.</p> : null}
      <ul className="rules" aria-label="Rules">
        {rules.map((rule, index) => (
          <li key={`${index}-${rule.description}`}>
            <strong>{rule.description}</strong>
            {rule.realViolationCount > 0 ? (
              <span className="field-error"> — {rule.realViolationCount.toLocaleString()} real rows break it: is the rule right?</span>
            ) : (
              <span className="muted"> — every real row obeys it</span>
            )}
            {editable ? (
              <button type="button" onClick={() => replace(rules.filter((_, i) => i !== index).map(toInput))} disabled={saved.fetching}>
                Remove rule
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {saveError ? <Alert error={saveError} /> : null}
      {editable ? <NewRule columns={columns} busy={saved.fetching} onAdd={(rule) => replace([...rules.map(toInput), rule])} /> : null}
    </section>
  );
}

function NewRule({ columns, busy, onAdd }: { columns: readonly string[]; busy: boolean; onAdd: (rule: RuleInput) => Promise<boolean> }) {
  const [kind, setKind] = useState<RuleKind>("RANGE");
  const [column, setColumn] = useState(columns[0] ?? "");
  const [several, setSeveral] = useState<string[]>([]);
  const [low, setLow] = useState("");
  const [high, setHigh] = useState("");
  const [strict, setStrict] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const rule: RuleInput = { kind, strict: STRICT.includes(kind) && strict };
    if (ONE_COLUMN.includes(kind)) rule.column = column;
    if (SEVERAL_COLUMNS.includes(kind)) rule.columns = several;
    if (kind === "INEQUALITY") {
      rule.low = { column: low };
      rule.high = { column: high };
    }
    if (kind === "RANGE") {
      rule.low = parseBound(low, columns);
      rule.high = parseBound(high, columns);
    }
    if (await onAdd(rule)) {
      setLow("");
      setHigh("");
      setSeveral([]);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="New rule">
      <SelectField label="Rule kind" values={KINDS} show={(k) => KIND_NAMES[k as RuleKind]} value={kind} onChange={setKind} />
      {ONE_COLUMN.includes(kind) ? <SelectField label="Column" values={columns} value={column} onChange={setColumn} /> : null}
      {SEVERAL_COLUMNS.includes(kind) ? (
        <Field label="Columns" hint="two or more">
          {(props) => (
            <select {...props} multiple value={several} onChange={(e) => setSeveral([...e.target.selectedOptions].map((o) => o.value))}>
              <Options values={columns} />
            </select>
          )}
        </Field>
      ) : null}
      {kind === "INEQUALITY" ? (
        <>
          <SelectField label="Low column" none="choose" values={columns} value={low} onChange={setLow} />
          <SelectField label="High column" none="choose" values={columns} value={high} onChange={setHigh} />
        </>
      ) : null}
      {kind === "RANGE" ? (
        <>
          <Field label="Low" hint="a number, a date (2020-01-31) or a column; empty: none">
            {(props) => <input {...props} value={low} onChange={(e) => setLow(e.target.value)} />}
          </Field>
          <Field label="High" hint="a number, a date or a column; empty: none">
            {(props) => <input {...props} value={high} onChange={(e) => setHigh(e.target.value)} />}
          </Field>
        </>
      ) : null}
      {STRICT.includes(kind) ? (
        <label>
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} /> Strictly (&lt; instead of ≤)
        </label>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Add rule
        </button>
      </div>
    </form>
  );
}
