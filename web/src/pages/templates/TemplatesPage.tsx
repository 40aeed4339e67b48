import { useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Alert, Empty, Field, Loading, Pager, RowsTable, RowsAndSeedFields, SelectField, StoredFormatField, usePages } from "../../components/ui";
import {
  CreateTemplateDocument,
  DeleteTemplateDocument,
  GenerateFromTemplateDocument,
  TemplatePreviewDocument,
  TemplateProjectsDocument,
  TemplatesDocument,
  type TemplatePreviewInput,
  type ExportFormat,
  type TemplatesQuery,
} from "../../gql/graphql";
import { checkJson, checkRows, checkSeed, type JsonObject } from "../../lib/checks";
import { fieldError, toApiError } from "../../lib/errors";
import { canEdit } from "../../lib/roles";
import { checkSchema, type SchemaIssue } from "./schema";

type Template = TemplatesQuery["templates"]["nodes"][number];
const LOCALES = ["en_US", "de_DE", "fr_FR", "ja_JP"];
const EXAMPLE = JSON.stringify(
  {
    tables: [
      {
        name: "customers",
        count: 100,
        fields: [
          { name: "id", type: "uuid", unique: true },
          { name: "email", type: "email" },
        ],
      },
    ],
  },
  null,
  2,
);

export default function TemplatesPage() {
  const pages = usePages();
  const [{ data, fetching, error }, refetch] = useQuery({ query: TemplatesDocument, variables: { after: pages.after } });
  const [selected, setSelected] = useState<string | null>(null);
  const template = data?.templates.nodes.find((t) => t.id === selected) ?? null;
  return (
    <section>
      <h1>Templates</h1>
      <p>Realistic fake data without any real data: pick a built-in template or write your own schema.</p>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="templates" /> : null}
      {data?.templates.nodes.length === 0 ? <Empty>No templates.</Empty> : null}
      {data && data.templates.nodes.length > 0 ? (
        <ul className="template-list">
          {data.templates.nodes.map((t) => (
            <li key={t.id}>
              <button type="button" aria-pressed={t.id === selected} onClick={() => setSelected(t.id)}>
                {t.builtin ? `Built-in: ${t.name}` : `Saved: ${t.name}`}
              </button>
              <span className="muted"> {t.description}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <Pager pages={pages} pageInfo={data?.templates.pageInfo} />
      {template ? <TemplateDetail key={template.id} template={template} onDeleted={() => { setSelected(null); refetch({ requestPolicy: "network-only" }); }} /> : null}
      <SchemaEditor onSaved={() => refetch({ requestPolicy: "network-only" })} />
    </section>
  );
}

function TemplateDetail({ template, onDeleted }: { template: Template; onDeleted: () => void }) {
  const [removed, remove] = useMutation(DeleteTemplateDocument);
  const source = template.builtin ? { builtin: template.id } : { templateId: template.id };
  return (
    <section aria-labelledby="template-heading" className="card">
      <h2 id="template-heading">{template.name}</h2>
      <p>{template.description}</p>
      {Object.keys((template.options as object) ?? {}).length > 0 ? (
        <p className="muted">
          Options with their defaults:{" "}
          {Object.entries(template.options as Record<string, unknown>)
            .map(([name, value]) => `${name} ${JSON.stringify(value)}`)
            .join(", ")}
        </p>
      ) : null}
      <TemplatePreview input={{ ...source, rows: 5 }} />
      <GenerateFromTemplate source={source} options={template.builtin ? (template.options as Record<string, unknown>) : null} />
      {!template.builtin ? (
        <>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              const done = await remove({ id: template.id });
              if (done.data) onDeleted();
            }}
          >
            Delete template
          </button>
          {removed.error ? <Alert error={toApiError(removed.error)} /> : null}
        </>
      ) : null}
    </section>
  );
}

/** A few rows of every table, made by the server as a job makes them (no job is created). */
function TemplatePreview({ input }: { input: TemplatePreviewInput }) {
  // The same input on every render is one query, not a new one each time.
  const key = JSON.stringify(input);
  const variables = useMemo(() => ({ input: JSON.parse(key) as TemplatePreviewInput }), [key]);
  const [{ data, fetching, error }] = useQuery({ query: TemplatePreviewDocument, variables });
  if (error) return <Alert error={toApiError(error)} />;
  if (fetching && !data) return <Loading what="preview rows" />;
  return (
    <>
      {data?.templatePreview.map((table) => (
        <RowsTable
          key={table.name}
          rows={table.rows as unknown[]}
          caption={`Preview of the ${table.name} table${table.truncated ? " (shortened: very wide rows)" : ""}`}
        />
      ))}
    </>
  );
}

export function GenerateFromTemplate({
  source,
  options,
}: {
  source: { builtin?: string; templateId?: string; schema?: unknown };
  options?: Record<string, unknown> | null;
}) {
  const navigate = useNavigate();
  const [projects] = useQuery({ query: TemplateProjectsDocument });
  const writable = projects.data?.projects.nodes.filter((p) => canEdit(p.myRole)) ?? [];
  const names = new Map(writable.map((w) => [w.id, w.name]));
  const [projectId, setProjectId] = useState("");
  const [rows, setRows] = useState("1000");
  const [seed, setSeed] = useState("");
  const [locale, setLocale] = useState("en_US");
  const [format, setFormat] = useState<ExportFormat>("CSV");
  const [optionText, setOptionText] = useState(options && Object.keys(options).length ? JSON.stringify(options) : "");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, generate] = useMutation(GenerateFromTemplateDocument);
  const apiError = result.error ? toApiError(result.error) : null;
  const project = projectId || writable[0]?.id || "";

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    const count = checkRows(rows, errors);
    const seedValue = checkSeed(seed, errors);
    const parsedOptions = checkJson(optionText, errors, "options", "Write the options as a JSON object.") as JsonObject | null;
    if (!project) errors.project = "Create a project first: the batch belongs to one.";
    setLocal(errors);
    if (Object.keys(errors).length > 0) return;
    const done = await generate({
      input: { ...source, projectId: project, count, seed: seedValue, locale, format, options: parsedOptions },
    });
    if (done.data) navigate(`/batches/${done.data.generateFromTemplate.batch.id}`);
  }
  const claimed = ["count", "seed", "locale", "options", "project_id"];
  const unclaimed = apiError && !claimed.some((k) => fieldError(apiError, k));
  return (
    <form onSubmit={submit} className="inline-form" aria-label="Generate from the template" noValidate>
      <SelectField label="Project" error={local.project ?? fieldError(apiError, "project_id")} values={[...names.keys()]}
        show={(id) => names.get(id) ?? id} value={project} onChange={setProjectId} />
      <RowsAndSeedFields rows={rows} seed={seed} onRows={setRows} onSeed={setSeed} local={local} apiError={apiError} />
      <SelectField label="Locale" error={fieldError(apiError, "locale")} values={LOCALES} value={locale} onChange={setLocale} />
      <StoredFormatField value={format} onChange={setFormat} />
      {options ? (
        <Field label="Options (JSON)" error={local.options ?? fieldError(apiError, "options")}>
          {(p) => <input {...p} value={optionText} onChange={(e) => setOptionText(e.target.value)} />}
        </Field>
      ) : null}
      {unclaimed ? <Alert error={apiError} /> : null}
      <button type="submit" className="primary" disabled={result.fetching}>
        Generate
      </button>
    </form>
  );
}

export function SchemaEditor({ onSaved }: { onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [text, setText] = useState(EXAMPLE);
  const [issues, setIssues] = useState<SchemaIssue[]>([]);
  const [result, save] = useMutation(CreateTemplateDocument);
  // Errors of a save or a preview concern the text they were made from: an edit hides them.
  const [savedText, setSavedText] = useState<string | null>(null);
  const apiError = result.error && savedText === text ? toApiError(result.error) : null;
  const parsed = useMemo(() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }, [text]);
  const [previewed, setPreviewed] = useState<unknown>(undefined);
  const [preview] = useQuery({
    query: TemplatePreviewDocument,
    variables: { input: { schema: previewed, rows: 5 } },
    pause: previewed === undefined,
    requestPolicy: "network-only",
  });
  const previewError = preview.error && previewed !== undefined ? toApiError(preview.error) : null;
  const serverIssues: SchemaIssue[] = [apiError, previewError].flatMap(
    (e) => e?.fields.map((f) => ({ path: f.field.replace(/^schema\.?/, "") || "(schema)", message: f.message })) ?? [],
  );
  const allIssues = [...issues, ...serverIssues];

  function localIssues(): SchemaIssue[] {
    return parsed === undefined ? [{ path: "(schema)", message: "This is not valid JSON." }] : checkSchema(parsed);
  }

  function showPreview() {
    const local = localIssues();
    setIssues(local);
    setPreviewed(local.length === 0 ? parsed : undefined);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = localIssues();
    if (!name.trim()) local.unshift({ path: "name", message: "Give the template a name." });
    setIssues(local);
    if (local.length > 0) return;
    setSavedText(text);
    const done = await save({ input: { name: name.trim(), schema: parsed } });
    if (done.data) {
      setOpen(false);
      onSaved();
    }
  }

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Write a schema
      </button>
    );
  }
  return (
    <form onSubmit={submit} className="card" aria-labelledby="schema-heading" noValidate>
      <h2 id="schema-heading">Your own schema</h2>
      <Field label="Template name" error={issues.find((i) => i.path === "name")?.message}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Schema (JSON)" hint="Tables of fields with a type; see the README for distributions, derived fields and foreign keys.">
        {(p) => <textarea {...p} className="code" rows={16} spellCheck={false} value={text} onChange={(e) => {
              setText(e.target.value);
              setPreviewed(undefined);
            }} />}
      </Field>
      {allIssues.filter((i) => i.path !== "name").length > 0 ? (
        <div role="alert" className="alert">
          <p>The schema has problems:</p>
          <ul>
            {allIssues
              .filter((i) => i.path !== "name")
              .map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
          </ul>
        </div>
      ) : null}
      {apiError && serverIssues.length === 0 ? <Alert error={apiError} /> : null}
      {previewError && serverIssues.length === 0 ? <Alert error={previewError} /> : null}
      {previewed !== undefined && preview.fetching ? <Loading what="preview rows" /> : null}
      {previewed !== undefined && !preview.error
        ? preview.data?.templatePreview.map((table) => (
            <RowsTable key={table.name} rows={table.rows as unknown[]} caption={`Preview of the ${table.name} table`} />
          ))
        : null}
      <div className="actions">
        <button type="button" onClick={showPreview} disabled={preview.fetching}>
          Preview rows
        </button>
        <button type="submit" className="primary" disabled={result.fetching}>
          Save template
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}
