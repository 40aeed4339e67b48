import { lazy, Suspense, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { ConfirmDelete, Facts, NotLoaded, Section, useRefetchWhile } from "../../components/page";
import { Alert, Loading, Options, RowsTable, StatusBadge, formatBytes, formatDate } from "../../components/ui";
import {
  DatasetDocument,
  DatasetPreviewDocument,
  DeleteDatasetDocument,
  UpdateDatasetMetadataDocument,
  type DatasetQuery,
} from "../../gql/graphql";
import { toApiError } from "../../lib/errors";
import { canEdit } from "../../lib/roles";
import type { ApiError } from "../../lib/session";

const DatasetStats = lazy(() => import("./DatasetStats"));
const TablesSection = lazy(() => import("./TablesSection"));
const RulesSection = lazy(() => import("./RulesSection"));

export const SDTYPES = [
  "numerical",
  "categorical",
  "boolean",
  "datetime",
  "id",
  "email",
  "phone_number",
  "name",
  "first_name",
  "last_name",
  "address",
  "city",
  "country",
  "postcode",
  "ssn",
  "credit_card_number",
  "ipv4_address",
  "url",
];

type Dataset = DatasetQuery["dataset"];
type Column = Dataset["columns"][number];

export default function DatasetPage() {
  const { datasetId = "" } = useParams();
  const [result, refetch] = useQuery({
    query: DatasetDocument,
    variables: { id: datasetId },
    requestPolicy: "network-only",
  });
  const data = result.data;
  // Ingestion runs in the background: look again until it is done.
  useRefetchWhile(data?.dataset.status === "INGESTING", refetch);
  if (result.error || !data) return <NotLoaded result={result} what="the dataset" />;
  const dataset = data.dataset;
  const editor = canEdit(dataset.project?.myRole);
  return (
    <section>
      <p className="crumbs">
        <Link to={`/projects/${dataset.projectId}`}>{dataset.project?.name ?? "Project"}</Link> / {dataset.name}
      </p>
      <div className="page-head">
        <h1>{dataset.name}</h1>
        {editor && dataset.status === "READY" ? (
          <Link className="button primary" to={`/datasets/${dataset.id}/train`}>
            Train model
          </Link>
        ) : null}
      </div>
      <Facts
        facts={[
          ["Status", <StatusBadge status={dataset.status} />],
          ["File", <FileFacts dataset={dataset} />],
          [
            "Rows",
            dataset.status === "READY"
              ? `${dataset.rowCount.toLocaleString()} (${dataset.trainRowCount.toLocaleString()} for training, ${dataset.holdoutRowCount.toLocaleString()} held out)`
              : "–",
          ],
          ["Uploaded", formatDate(dataset.createdAt)],
        ]}
      />
      {dataset.status === "INGESTING" ? (
        <p role="status">The file is being read: types, statistics and previews follow in a moment.</p>
      ) : null}
      {dataset.status === "FAILED" ? (
        <>
          <p role="alert" className="alert">
            The file could not be read: {dataset.error ? `${dataset.error.trim()}${/[.!?]$/.test(dataset.error.trim()) ? "" : "."}` : "no reason was given."}
          </p>
          {editor && dataset.project ? (
            <p>
              Fix the file and <Link to={`/projects/${dataset.project.id}/upload`}>upload it again</Link>; this failed
              upload can be deleted below.
            </p>
          ) : null}
        </>
      ) : null}
      {dataset.warnings.length > 0 ? (
        <ul className="warnings" aria-label="Warnings">
          {dataset.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      {dataset.status === "READY" ? (
        <>
          <ColumnsEditor dataset={dataset} editable={editor} />
          <Suspense fallback={<Loading what="the tables" />}>
            <TablesSection datasetId={dataset.id} editable={editor} />
          </Suspense>
          <Suspense fallback={<Loading what="the rules" />}>
            <RulesSection datasetId={dataset.id} columns={dataset.columns.map((c) => c.name)} editable={editor} />
          </Suspense>
          <Section title="Statistics">
            <Suspense fallback={<Loading what="charts" />}>
              <DatasetStats datasetId={dataset.id} />
            </Suspense>
          </Section>
          <Preview datasetId={dataset.id} />
        </>
      ) : null}
      {editor ? <DeleteDataset dataset={dataset} /> : null}
    </section>
  );
}

/** The file's name, size and what was detected in it. */
function FileFacts({ dataset }: { dataset: Dataset }) {
  return (
    <>
      {dataset.fileName ? `${dataset.fileName} ` : ""}(
      {[
        formatBytes(dataset.sizeBytes),
        // Nothing was detected in a file that could not be read: say only what is known.
        dataset.detected.format,
        dataset.detected.delimiter ? `delimiter “${dataset.detected.delimiter}”` : "",
        dataset.detected.format && dataset.detected.hasHeader === false ? "no header row" : "",
      ]
        .filter(Boolean)
        .join(", ")}
      )
    </>
  );
}

export function ColumnsEditor({ dataset, editable }: { dataset: Pick<Dataset, "id" | "columns">; editable: boolean }) {
  const [draft, setDraft] = useState<Record<string, { sdtype: string; pii: boolean }>>({});
  const [result, save] = useMutation(UpdateDatasetMetadataDocument);
  const [saved, setSaved] = useState(false);
  const error: ApiError | null = result.error ? toApiError(result.error) : null;
  const columns: Column[] = result.data?.updateDatasetMetadata.columns ?? dataset.columns;
  const changed = Object.keys(draft);

  function columnError(index: number, name: string): string | undefined {
    if (!error) return undefined;
    const hit = error.fields.find(
      (f) => f.field === `columns[${index}]` || f.field.startsWith(`columns[${index}].`) || f.field === name || f.field.endsWith(`.${name}`),
    );
    return hit?.message;
  }

  async function submit() {
    setSaved(false);
    const done = await save({
      datasetId: dataset.id,
      columns: changed.map((name) => ({ name, sdtype: draft[name]!.sdtype, pii: draft[name]!.pii })),
    });
    if (done.data) {
      setDraft({});
      setSaved(true);
    }
  }

  const submitted = result.operation?.variables?.columns as { name: string }[] | undefined;
  return (
    <Section title="Columns">
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Columns with their detected types</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Stored as</th>
              <th scope="col">Semantic type</th>
              <th scope="col">Personal data</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((column) => {
              const current = draft[column.name] ?? { sdtype: column.sdtype, pii: column.pii };
              const index = submitted?.findIndex((c) => c.name === column.name) ?? -1;
              const message = index >= 0 ? columnError(index, column.name) : error?.fields.find((f) => f.field.endsWith(column.name))?.message;
              const errorId = `column-error-${column.name}`;
              return (
                <tr key={column.name}>
                  <th scope="row">{column.name}</th>
                  <td>{column.dataType}</td>
                  <td>
                    {editable ? (
                      <select
                        aria-label={`Type of ${column.name}`}
                        aria-invalid={message ? true : undefined}
                        aria-describedby={message ? errorId : undefined}
                        value={current.sdtype}
                        onChange={(e) =>
                          setDraft((d) => ({ ...d, [column.name]: { ...current, sdtype: e.target.value } }))
                        }
                      >
                        <Options values={[...new Set([current.sdtype, ...SDTYPES])]} />
                      </select>
                    ) : (
                      column.sdtype
                    )}
                    {message ? (
                      <small id={errorId} className="field-error">
                        {message}
                      </small>
                    ) : null}
                  </td>
                  <td>
                    {editable ? (
                      <input
                        type="checkbox"
                        aria-label={`${column.name} is personal data`}
                        checked={current.pii}
                        onChange={(e) =>
                          setDraft((d) => ({ ...d, [column.name]: { ...current, pii: e.target.checked } }))
                        }
                      />
                    ) : current.pii ? (
                      "yes"
                    ) : (
                      "no"
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {error && !columns.some((c, i) => columnError(i, c.name)) ? <Alert error={error} /> : null}
      {editable ? (
        <div className="actions">
          <button type="button" onClick={submit} disabled={changed.length === 0 || result.fetching}>
            Save column types
          </button>
          {saved ? <span role="status">Column types saved.</span> : null}
        </div>
      ) : null}
    </Section>
  );
}

function Preview({ datasetId }: { datasetId: string }) {
  const [offset, setOffset] = useState(0);
  const [{ data, fetching, error }] = useQuery({ query: DatasetPreviewDocument, variables: { id: datasetId, offset } });
  return (
    <Section title="Preview">
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="rows" /> : null}
      {data ? <RowsTable rows={data.dataset.previewRows} caption={`Rows ${offset + 1} to ${offset + data.dataset.previewRows.length}`} /> : null}
      <nav className="pager" aria-label="Preview pages">
        <button type="button" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - 20))}>
          Previous rows
        </button>
        <button type="button" disabled={(data?.dataset.previewRows.length ?? 0) < 20} onClick={() => setOffset((o) => o + 20)}>
          Next rows
        </button>
      </nav>
    </Section>
  );
}

function DeleteDataset({ dataset }: { dataset: Dataset }) {
  const navigate = useNavigate();
  const [result, remove] = useMutation(DeleteDatasetDocument);
  return (
    <Section title="Delete">
      <ConfirmDelete
        label="Delete dataset"
        question={`Delete “${dataset.name}” and its files? Models trained on it keep working; reports on new batches will not.`}
        error={result.error}
        onConfirm={async () => {
          const done = await remove({ id: dataset.id });
          if (done.data) navigate(`/projects/${dataset.projectId}`);
        }}
      />
    </Section>
  );
}
