import { useId, useState, type ReactNode } from "react";
import { useMutation, type AnyVariables, type TypedDocumentNode } from "urql";
import { fieldError, sentence, toApiError } from "../lib/errors";
import type { ApiError } from "../lib/session";
import type { ExportFormat, PageCursorFragment } from "../gql/graphql";

export const FORMATS: ExportFormat[] = ["CSV", "JSONL", "PARQUET", "SQL"];

/** An error as a sentence, next to what it concerns, announced to screen readers. */
export function Alert({ error, children }: { error?: ApiError | null; children?: ReactNode }) {
  if (!error && !children) return null;
  return (
    <p role="alert" className="alert">
      {error ? sentence(error) : children}
    </p>
  );
}

export function Loading({ what = "" }: { what?: string }) {
  return (
    <p role="status" className="muted">
      Loading{what ? ` ${what}` : ""}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A labelled input with its error underneath, tied together for assistive technology. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: {
    id: string;
    "aria-invalid": boolean | undefined;
    "aria-describedby": string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
      {hint ? (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A labelled select of `values` (shown as `show` writes them); `none`, when given, is a first
 * choice with the empty value. */
export function SelectField<V extends string>({
  label,
  hint,
  error,
  values,
  show,
  none,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  error?: string;
  values: readonly V[];
  show?: (value: string) => string;
  none?: string;
  value: V | "";
  onChange: (value: V) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value as V)}>
          {none !== undefined ? <option value="">{none}</option> : null}
          <Options values={values} show={show} />
        </select>
      )}
    </Field>
  );
}

/** How many rows to generate, and the optional seed that makes them the same every time, with
 * the form's own check (`local`) or else the API's answer under each. */
export function RowsAndSeedFields({
  rows,
  seed,
  onRows,
  onSeed,
  local,
  apiError,
}: {
  rows: string;
  seed: string;
  onRows: (rows: string) => void;
  onSeed: (seed: string) => void;
  local: Record<string, string>;
  apiError: ApiError | null;
}) {
  return (
    <>
      <Field label="Rows" error={local.count ?? fieldError(apiError, "count")}>
        {(p) => <input {...p} inputMode="numeric" value={rows} onChange={(e) => onRows(e.target.value)} />}
      </Field>
      <Field label="Seed (optional)" error={local.seed ?? fieldError(apiError, "seed")}>
        {(p) => <input {...p} inputMode="numeric" value={seed} onChange={(e) => onSeed(e.target.value)} />}
      </Field>
    </>
  );
}

/** The format a new batch is stored in (and downloads in by default). */
export function StoredFormatField({ value, onChange }: { value: ExportFormat; onChange: (format: ExportFormat) => void }) {
  return <SelectField label="Stored format" values={FORMATS} value={value} onChange={onChange} />;
}

/** A mutation that creates what the API shows a secret of once (an API key, a webhook): `create`
 * says whether it was created, `secret` keeps the last secret to show, `apiError` the refusal. */
export function useCreateWithSecret<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  secretOf: (data: Data) => string,
) {
  const [created, execute] = useMutation(document);
  const [secret, setSecret] = useState<string | null>(null);
  async function create(variables: Variables): Promise<boolean> {
    const done = await execute(variables);
    if (done.data) setSecret(secretOf(done.data));
    return Boolean(done.data);
  }
  return { create, fetching: created.fetching, secret, apiError: created.error ? toApiError(created.error) : null };
}

/** A secret the API shows this once (a new API key, a webhook's signing secret), announced. */
export function SecretOnce({ secret, children }: { secret: string | null; children: ReactNode }) {
  if (!secret) return null;
  return (
    <div className="card secret" role="status">
      <p>{children}</p>
      <code>{secret}</code>
    </div>
  );
}

/** A select's options: each value, shown as `show` writes it (the value itself by default). */
export function Options({ values, show = String }: { values: readonly string[]; show?: (value: string) => string }) {
  return (
    <>
      {values.map((value) => (
        <option key={value} value={value}>
          {show(value)}
        </option>
      ))}
    </>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress">
      <progress max={100} value={percent} aria-label={label} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} />
      <span aria-hidden="true">{percent} %</span>
    </div>
  );
}

/** Cursor pagination: the API's endCursor forward, a remembered stack backward. */
export function usePages() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1] ?? null;
  return {
    after,
    page: stack.length,
    next: (cursor: string | null | undefined) => cursor && setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([null]),
  };
}

export function Pager({ pages, pageInfo }: { pages: ReturnType<typeof usePages>; pageInfo?: PageCursorFragment | null }) {
  if (!pageInfo || (!pageInfo.hasNextPage && pages.page === 1)) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={pages.previous} disabled={pages.page === 1}>
        Previous page
      </button>
      <span>Page {pages.page}</span>
      <button type="button" onClick={() => pages.next(pageInfo.endCursor)} disabled={!pageInfo.hasNextPage}>
        Next page
      </button>
    </nav>
  );
}

export function formatDate(value?: string | null): string {
  if (!value) return "–";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

export function StatusBadge({ status }: { status?: string | null }) {
  const value = (status ?? "unknown").toLowerCase();
  return <span className={`badge badge-${value}`}>{value}</span>;
}

/** Rows of JSON objects as a table. */
export function RowsTable({ rows, caption }: { rows: unknown[]; caption: string }) {
  if (rows.length === 0) return <Empty>No rows.</Empty>;
  const columns = Object.keys((rows[0] ?? {}) as object);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => {
                const v = (row as Record<string, unknown>)[c];
                return <td key={c}>{v === null || v === undefined ? "" : String(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
