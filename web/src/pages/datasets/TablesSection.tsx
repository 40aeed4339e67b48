// A dataset's tables and how they relate: each table with its key and sequence, the links
// between tables with the problems found in their values, and (for editors) adding a table and
// correcting keys, sequences and links, saved together with `updateDatasetRelationships`, and
// removing an added table (`removeDatasetTable`, after a confirm).
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "../../components/lists";
import { NotLoaded, useRefetchWhile } from "../../components/page";
import { Alert, Field, Options, ProgressBar, SelectField, StatusBadge, formatBytes } from "../../components/ui";
import { DatasetTablesDocument, RemoveDatasetTableDocument, UpdateDatasetRelationshipsDocument, type TableLinksFragment } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";
import { ApiError } from "../../lib/session";
import { uploadFile } from "./UploadPage";

type Table = TableLinksFragment["tables"][number];
type Link = TableLinksFragment["foreignKeys"][number];
type Problems = TableLinksFragment["referentialProblems"][number];
interface Keys {
  primaryKey: string;
  entityKey: string;
  orderColumn: string;
}

const NONE = "";
const linkName = (l: Link) => `${l.childTable}.${l.childColumn} → ${l.parentTable}.${l.parentColumn}`;
const sameLink = (a: Link, b: Link) => linkName(a) === linkName(b);

function keysOf(tables: Table[]): Record<string, Keys> {
  return Object.fromEntries(
    tables.map((t) => [t.name, { primaryKey: t.primaryKey ?? NONE, entityKey: t.sequence?.entityKey ?? NONE, orderColumn: t.sequence?.orderColumn ?? NONE }]),
  );
}

/** What is wrong with one link's values, as sentences (rows are kept, never dropped). */
export function problemSentences(p: Problems): string[] {
  const examples = (values: string[]) => (values.length > 0 ? ` (e.g. ${values.slice(0, 3).join(", ")})` : "");
  const out: string[] = [];
  if (p.orphanCount > 0) out.push(`${p.orphanCount.toLocaleString()} ${p.foreignKey.childTable} rows have a ${p.foreignKey.childColumn} that ${p.foreignKey.parentTable} does not have${examples(p.orphanExamples)}.`);
  if (p.duplicateParentKeyCount > 0) out.push(`${p.duplicateParentKeyCount.toLocaleString()} ${p.foreignKey.parentColumn} values appear more than once in ${p.foreignKey.parentTable}${examples(p.duplicateParentKeyExamples)}.`);
  if (p.nullChildKeyCount > 0) out.push(`${p.nullChildKeyCount.toLocaleString()} ${p.foreignKey.childTable} rows have no ${p.foreignKey.childColumn}.`);
  if (p.nullParentKeyCount > 0) out.push(`${p.nullParentKeyCount.toLocaleString()} ${p.foreignKey.parentTable} rows have no ${p.foreignKey.parentColumn}.`);
  return out;
}

/** The user's unsaved keys and links: kept while the data refetches (a table ingesting polls
 * every second), until they save or cancel. Null: nothing changed, the server's state shows. */
interface Draft {
  keys: Record<string, Keys>;
  links: Link[];
}

export default function TablesSection({ datasetId, editable }: { datasetId: string; editable: boolean }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: DatasetTablesDocument, variables: { id: datasetId }, requestPolicy: "network-only" });
  const [saved, save] = useMutation(UpdateDatasetRelationshipsDocument);
  const [removed, remove] = useMutation(RemoveDatasetTableDocument);
  // A mutation's answer shows until the next fetch brings a newer state.
  const [answer, setAnswer] = useState<TableLinksFragment | null>(null);
  useEffect(() => setAnswer(null), [data]);
  const shown = answer ?? data?.dataset;
  const tables = shown?.tables ?? [];
  const [draft, setDraft] = useState<Draft | null>(null);
  const keys = { ...keysOf(tables), ...draft?.keys };
  const links = draft?.links ?? shown?.foreignKeys ?? [];
  const [done, setDone] = useState(false);
  const ingesting = tables.some((t) => t.status === "INGESTING");
  // A table just uploaded: until a fetch shows it, look again (a read served by another
  // gateway before the change's event reached it can still show the dataset without it).
  const [added, setAdded] = useState<string | null>(null);
  const awaited = added !== null && !tables.some((t) => t.name === added);
  // A table is INGESTING until its keys and links are detected: look again until it is not.
  useRefetchWhile(ingesting || awaited, refetch);

  if (error || !shown) return <NotLoaded result={{ fetching, error }} what="the tables" />;
  const saveError = saved.error ? toApiError(saved.error) : null;
  const fieldError = (field: string) => saveError?.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`))?.message;
  const explained = saveError?.fields.some((f) => f.field.startsWith("tables.") || f.field.startsWith("foreignKeys[")) ?? false;

  const edit = (change: (current: Draft) => Draft) => {
    setDone(false);
    setDraft((current) => change(current ?? { keys, links }));
  };

  async function submit() {
    setDone(false);
    const result = await save({
      datasetId,
      tables: tables.map((t) => {
        const k = keys[t.name]!;
        return {
          table: t.name,
          primaryKey: k.primaryKey || null,
          sequence: k.entityKey && k.orderColumn ? { entityKey: k.entityKey, orderColumn: k.orderColumn } : null,
        };
      }),
      foreignKeys: links.map(({ parentTable, parentColumn, childTable, childColumn }) => ({ parentTable, parentColumn, childTable, childColumn })),
    });
    if (result.data) {
      setAnswer(result.data.updateDatasetRelationships);
      setDraft(null);
      setDone(true);
    }
  }

  async function removeTable(name: string) {
    if (!window.confirm(`Remove the table ${name}, its links and its files? Models trained before keep what they learned.`)) return;
    const result = await remove({ datasetId, tableName: name });
    if (result.data) {
      setAnswer(result.data.removeDatasetTable);
      // Links of the removed table leave the draft with it.
      setDraft((current) => current && { keys: current.keys, links: current.links.filter((l) => l.parentTable !== name && l.childTable !== name) });
    }
  }

  const setKey = (table: string, part: keyof Keys, value: string) => edit((d) => ({ ...d, keys: { ...d.keys, [table]: { ...keys[table]!, ...d.keys[table], [part]: value } } }));
  const problems = (link: Link) => shown.referentialProblems.find((p) => sameLink(p.foreignKey, link));

  return (
    <section aria-labelledby="tables-heading">
      <h2 id="tables-heading">Tables and links</h2>
      <DataTable
        caption="The dataset's tables"
        rows={tables}
        rowKey={(t) => t.name}
        columns={[
          { header: "Table", cell: (t) => <strong>{t.name}</strong> },
          // One table is the dataset itself: its status and rows are said above.
          tables.length > 1 && {
            header: "Status",
            cell: (t) => (t.status === "FAILED" ? <span className="field-error">{t.error || "could not be read"}</span> : <StatusBadge status={t.status} />),
          },
          tables.length > 1 && { header: "Rows", cell: (t) => (t.status === "READY" ? t.rowCount.toLocaleString() : "–") },
          editable &&
            tables.length > 1 && {
              header: "Actions",
              // The first table is the dataset's upload: it goes with the dataset.
              cell: (t) =>
                t === tables[0] ? null : (
                  <button type="button" onClick={() => removeTable(t.name)} disabled={removed.fetching || t.status === "INGESTING"}>
                    Remove table {t.name}
                  </button>
                ),
            },
          {
            header: "Primary key",
            cell: (t) =>
              editable && keys[t.name] ? (
                <KeySelect label={`Primary key of ${t.name}`} table={t} value={keys[t.name]!.primaryKey} onChange={(v) => setKey(t.name, "primaryKey", v)} error={fieldError(`tables.${t.name}.primaryKey`)} />
              ) : (
                t.primaryKey ?? "none"
              ),
          },
          {
            header: "Sequence (entity, order)",
            cell: (t) =>
              editable && keys[t.name] ? (
                <>
                  <KeySelect label={`Entity key of ${t.name}`} table={t} value={keys[t.name]!.entityKey} onChange={(v) => setKey(t.name, "entityKey", v)} error={fieldError(`tables.${t.name}.sequence`)} />
                  <KeySelect label={`Order column of ${t.name}`} table={t} value={keys[t.name]!.orderColumn} onChange={(v) => setKey(t.name, "orderColumn", v)} />
                  {t.suggestedSequence && !keys[t.name]!.entityKey ? (
                    <button type="button" onClick={() => edit((d) => ({ ...d, keys: { ...d.keys, [t.name]: { ...keys[t.name]!, ...d.keys[t.name], ...t.suggestedSequence! } } }))}>
                      Use {t.suggestedSequence.entityKey} by {t.suggestedSequence.orderColumn}
                    </button>
                  ) : null}
                </>
              ) : t.sequence ? (
                `${t.sequence.entityKey}, by ${t.sequence.orderColumn}`
              ) : t.suggestedSequence ? (
                <span className="muted">not sequential (looks like {t.suggestedSequence.entityKey} by {t.suggestedSequence.orderColumn})</span>
              ) : (
                "not sequential"
              ),
          },
        ]}
      />
      <h3>Links</h3>
      {links.length === 0 ? <p className="muted">No links between the tables{tables.length > 1 ? ": add one below" : ""}.</p> : null}
      <ul className="links" aria-label="Links between tables">
        {links.map((link, i) => {
          const found = problems(link);
          const sentences = found ? problemSentences(found) : [];
          return (
            <li key={linkName(link)}>
              <strong>{linkName(link)}</strong>
              {sentences.length > 0 ? (
                <ul className="warnings" aria-label={`Problems of ${linkName(link)}`}>
                  {sentences.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ul>
              ) : found ? (
                <span className="muted"> — every key has its parent</span>
              ) : null}
              {fieldError(`foreignKeys[${i}]`) ? <small className="field-error">{fieldError(`foreignKeys[${i}]`)}</small> : null}
              {editable ? (
                <button type="button" onClick={() => edit((d) => ({ ...d, links: d.links.filter((l) => !sameLink(l, link)) }))}>
                  Remove link {linkName(link)}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {editable ? (
        <>
          <NewLink tables={tables} keys={keys} onAdd={(link) => edit((d) => ({ ...d, links: d.links.some((l) => sameLink(l, link)) ? d.links : [...d.links, link] }))} />
          {saveError && !explained ? <Alert error={saveError} /> : null}
          {removed.error ? <Alert error={toApiError(removed.error)} /> : null}
          <div className="actions">
            <button type="button" onClick={submit} disabled={saved.fetching || ingesting}>
              Save keys and links
            </button>
            {draft ? (
              <button type="button" onClick={() => setDraft(null)}>
                Cancel changes
              </button>
            ) : null}
            {draft ? <span className="muted">Unsaved changes.</span> : null}
            {done ? <span role="status">Keys and links saved.</span> : null}
          </div>
          <AddTable
            datasetId={datasetId}
            onAdded={(name) => {
              setAdded(name || null); // unnamed: the server names it, nothing to wait for
              refetch({ requestPolicy: "network-only" });
            }}
          />
        </>
      ) : null}
    </section>
  );
}

function KeySelect({ label, table, value, onChange, error }: { label: string; table: Table; value: string; onChange: (value: string) => void; error?: string }) {
  return (
    <span className="key-select">
      <select aria-label={label} aria-invalid={error ? true : undefined} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value={NONE}>none</option>
        <Options values={table.columns.map((c) => c.name)} />
      </select>
      {error ? <small className="field-error">{error}</small> : null}
    </span>
  );
}

/** A new link: a child table's column that holds the parent table's primary key. */
function NewLink({ tables, keys, onAdd }: { tables: Table[]; keys: Record<string, Keys>; onAdd: (link: Link) => void }) {
  const names = tables.map((t) => t.name);
  const [parent, setParent] = useState("");
  const [child, setChild] = useState("");
  const [column, setColumn] = useState("");
  const [problem, setProblem] = useState("");
  if (tables.length < 2) return null;
  const parentKey = keys[parent]?.primaryKey ?? "";
  const childColumns = tables.find((t) => t.name === child)?.columns.map((c) => c.name) ?? [];

  function add(event: FormEvent) {
    event.preventDefault();
    if (!parent || !child || !column) return setProblem("Choose the parent table, the child table and its column.");
    if (!parentKey) return setProblem(`${parent} has no primary key: choose one above first.`);
    if (parent === child) return setProblem("A table cannot be its own parent.");
    setProblem("");
    onAdd({ parentTable: parent, parentColumn: parentKey, childTable: child, childColumn: column });
  }

  return (
    <form className="inline-form" onSubmit={add} aria-label="New link" noValidate>
      <SelectField label="Parent table" none="choose…" values={names} value={parent} onChange={setParent} />
      <SelectField label="Child table" none="choose…" values={names} value={child} onChange={(name) => { setChild(name); setColumn(""); }} />
      <SelectField label="Child column" hint={parentKey ? `holds ${parent}.${parentKey}` : undefined} error={problem || undefined}
        none="choose…" values={childColumns} value={column} onChange={setColumn} />
      <button type="submit">Add link</button>
    </form>
  );
}

/** Uploads a file as a new table of the dataset, with the bytes sent shown as they go. */
function AddTable({ datasetId, onAdded }: { datasetId: string; onAdded: (name: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return setProblem(new ApiError("Choose a file first.", "BAD_USER_INPUT"));
    setProblem(null);
    setSent({ sent: 0, total: file.size });
    try {
      await uploadFile({ datasetId, tableName: name }, file, (s, total) => setSent({ sent: s, total }));
      setFile(null);
      setName("");
      onAdded(name);
    } catch (exc) {
      setProblem(toApiError(exc));
    } finally {
      setSent(null);
    }
  }

  const nameError = problem?.fields.find((f) => f.field === "table_name" || f.field === "tableName")?.message;
  return (
    <form onSubmit={submit} aria-label="Add a table" noValidate>
      <h3>Add a table</h3>
      <p className="muted">A CSV, TSV, Parquet or JSON file becomes a new table; its keys and links to the other tables are detected.</p>
      <Field label="Table file">
        {(p) => (
          <input
            {...p}
            type="file"
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen) setName((current) => current || chosen.name.replace(/\..*$/, "").replace(/[^A-Za-z0-9_]/g, "_"));
            }}
          />
        )}
      </Field>
      <Field label="Table name" error={nameError} hint="A letter or underscore, then letters, digits or underscores.">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      {sent ? <ProgressBar value={sent.total ? (100 * sent.sent) / sent.total : 0} label="Table upload progress" /> : null}
      {sent ? <p className="muted">{formatBytes(sent.sent)} of {formatBytes(sent.total)} sent</p> : null}
      {problem && !nameError ? <Alert error={problem} /> : null}
      <button type="submit" disabled={sent !== null}>
        Add table
      </button>
    </form>
  );
}
