import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Facts, NotLoaded, Section, useRefetchWhile } from "../../components/page";
import { Alert, FORMATS, Loading, Options, ProgressBar, RowsTable, StatusBadge, formatDate } from "../../components/ui";
import { BatchDocument, BatchPreviewDocument, CancelJobDocument, CreateBatchDownloadUrlDocument, type ExportFormat } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";
import { canEdit } from "../../lib/roles";
import { useJobUpdates } from "../training/JobPage";
import { GateNotice, held } from "./Gate";

export default function BatchPage() {
  const { batchId = "" } = useParams();
  const [result, refetch] = useQuery({ query: BatchDocument, variables: { id: batchId }, requestPolicy: "network-only" });
  const [jobEnded, setJobEnded] = useState(false);
  const data = result.data;
  // The job's last update can come a moment before the batch row says READY: look again.
  useRefetchWhile(data?.batch.status === "GENERATING" && jobEnded, refetch, true);
  if (result.error || !data) return <NotLoaded result={result} what="the batch" />;
  const batch = data.batch;
  return (
    <section>
      <p className="crumbs">
        <Link to={`/projects/${batch.projectId}`}>{batch.project?.name ?? "Project"}</Link>
        {batch.modelId ? (
          <>
            {" / "}
            <Link to={`/models/${batch.modelId}`}>Model</Link>
          </>
        ) : null}{" "}
        / Batch
      </p>
      <h1>{batch.templateId ? `Batch from template ${batch.templateId}` : "Synthetic batch"}</h1>
      <Facts
        facts={[
          ["Status", <StatusBadge status={batch.status} />],
          ["Rows", batch.rowCount.toLocaleString()],
          batch.conditions != null && ["Conditions", <code>{JSON.stringify(batch.conditions)}</code>],
          ["Quality", batch.qualityScore != null ? `${(batch.qualityScore * 100).toFixed(1)} %` : "not evaluated yet"],
          ["Privacy", batch.privacyVerdict ?? "–"],
          ["Created", formatDate(batch.createdAt)],
          ["Files kept until", formatDate(batch.expiresAt)],
        ]}
      />
      <Alert>{batch.error}</Alert>
      {batch.status === "GENERATING" ? (
        <LiveProgress jobId={batch.jobId} editable={canEdit(batch.project?.myRole)} onDone={() => setJobEnded(true)} />
      ) : null}
      {batch.status === "READY" ? (
        <>
          <p>
            <Link to={`/batches/${batch.id}/report`}>Open the evaluation report</Link>
          </p>
          <GateNotice batchId={batch.id} gate={batch.gate} onReleased={() => refetch({ requestPolicy: "network-only" })} />
          {held(batch.gate) ? null : (
            <>
              <Download batchId={batch.id} tables={batch.tables} />
              <Preview batchId={batch.id} tables={batch.tables} />
            </>
          )}
        </>
      ) : null}
    </section>
  );
}

function LiveProgress({ jobId, editable, onDone }: { jobId: string; editable: boolean; onDone: () => void }) {
  const { latest } = useJobUpdates(jobId);
  const [cancelled, cancel] = useMutation(CancelJobDocument);
  const status = latest?.status;
  const final = status === "SUCCEEDED" || status === "FAILED" || status === "CANCELLED";
  useEffect(() => {
    if (final) onDone();
  }, [final, onDone]);
  return (
    <div>
      <ProgressBar value={latest?.percent ?? 0} label="Generation progress" />
      <p role="status">{latest?.message || "Generating…"}</p>
      {editable && !final ? (
        <button type="button" className="danger" onClick={() => void cancel({ id: jobId })}>
          Cancel job
        </button>
      ) : null}
      {cancelled.error ? <Alert error={toApiError(cancelled.error)} /> : null}
    </div>
  );
}

export function Download({ batchId, tables }: { batchId: string; tables: string[] }) {
  const [format, setFormat] = useState<ExportFormat>("CSV");
  const [table, setTable] = useState(tables[0] ?? "");
  const [result, createUrl] = useMutation(CreateBatchDownloadUrlDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await createUrl({ batchId, format, table });
    if (done.data) {
      // A short-lived signed link: the browser downloads it like any file.
      const link = document.createElement("a");
      link.href = done.data.createBatchDownloadUrl.url;
      link.download = "";
      document.body.appendChild(link);
      link.click();
      link.remove();
    }
  }

  return (
    <form onSubmit={submit} className="inline-form" aria-label="Download the batch">
      <div className="field">
        <label htmlFor="download-format">Format</label>
        <select id="download-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
          <Options values={FORMATS} />
        </select>
      </div>
      <TablePicker id="download-table" label="Table" tables={tables} value={table} onChange={setTable} />
      <button type="submit" className="primary" disabled={result.fetching}>
        Download
      </button>
      {result.error ? <Alert error={toApiError(result.error)} /> : null}
    </form>
  );
}

function Preview({ batchId, tables }: { batchId: string; tables: string[] }) {
  const [table, setTable] = useState(tables[0] ?? "");
  const [{ data, fetching, error }] = useQuery({ query: BatchPreviewDocument, variables: { id: batchId, table } });
  return (
    <Section title="Preview">
      <TablePicker id="preview-table" label="Preview table" tables={tables} value={table} onChange={setTable} />
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="rows" /> : null}
      {data ? <RowsTable rows={data.batch.previewRows} caption="First rows of the batch" /> : null}
    </Section>
  );
}

/** Which table of a multi-table batch: nothing when it has one. */
function TablePicker({ id, label, tables, value, onChange }: { id: string; label: string; tables: string[]; value: string; onChange: (table: string) => void }) {
  if (tables.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <Options values={tables} />
      </select>
    </div>
  );
}
