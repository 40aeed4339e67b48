import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { NotLoaded } from "../../components/page";
import { Alert, Field, ProgressBar, formatBytes } from "../../components/ui";
import { UploadTargetDocument } from "../../gql/graphql";
import { fieldError, toApiError } from "../../lib/errors";
import { canEdit, VIEWER_MESSAGE } from "../../lib/roles";
import { ApiError, getAccessToken, httpError } from "../../lib/session";

interface UploadedDataset {
  id: string;
  status: string;
  error?: string;
}

/** POST /upload/datasets with the raw file as the body; XHR reports the bytes sent. `to` names
 * the new dataset (`projectId`, `name`) or the dataset a table is added to (`datasetId`,
 * `tableName`). */
export function uploadFile(
  to: { projectId: string; name: string } | { datasetId: string; tableName: string },
  file: File,
  onProgress: (sent: number, total: number) => void,
  columnNames: string[] = [],
): Promise<UploadedDataset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ ...to, fileName: file.name, waitSeconds: "0" });
    if (columnNames.length > 0) query.set("columnNames", columnNames.join(","));
    xhr.open("POST", `/upload/datasets?${query.toString()}`);
    const token = getAccessToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onerror = () => reject(new ApiError("The upload was interrupted: the server could not be reached.", "SERVICE_UNAVAILABLE"));
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        /* not JSON: described by the status below */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as unknown as UploadedDataset);
      else reject(httpError(body, xhr.status));
    };
    xhr.send(file);
  });
}

/** "age, workclass , fnlwgt" → ["age", "workclass", "fnlwgt"]; empty → none given. */
export function columnNamesOf(text: string): string[] {
  return text.trim() ? text.split(",").map((name) => name.trim()) : [];
}

export default function UploadPage() {
  const { projectId = "" } = useParams();
  const navigate = useNavigate();
  const [result] = useQuery({ query: UploadTargetDocument, variables: { id: projectId } });
  const data = result.data;
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [columns, setColumns] = useState("");
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [uploadError, setUploadError] = useState<ApiError | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  if (result.error || !data) return <NotLoaded result={result} what="the project" />;
  const project = data.project;
  if (!canEdit(project.myRole)) {
    return (
      <section>
        <h1>Upload a dataset</h1>
        <p role="alert" className="alert">
          {VIEWER_MESSAGE}
        </p>
      </section>
    );
  }

  function choose(files: FileList | null) {
    const chosen = files?.[0];
    if (chosen) {
      setFile(chosen);
      setName((current) => current || chosen.name.replace(/\.[^.]+$/, ""));
      setUploadError(null);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setUploadError(new ApiError("Choose a file first.", "BAD_USER_INPUT"));
      return;
    }
    setUploadError(null);
    setSent({ sent: 0, total: file.size });
    try {
      const dataset = await uploadFile({ projectId: project.id, name }, file, (s, total) => setSent({ sent: s, total }), columnNamesOf(columns));
      navigate(`/datasets/${dataset.id}`);
    } catch (exc) {
      setUploadError(toApiError(exc));
      setSent(null);
    }
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    choose(event.dataTransfer.files);
  };

  return (
    <section>
      <p className="crumbs">
        <Link to={`/projects/${project.id}`}>{project.name}</Link> / Upload
      </p>
      <h1>Upload a dataset</h1>
      <form onSubmit={submit} noValidate>
        <div
          role="group"
          aria-label="Drop zone"
          className={`dropzone${over ? " over" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <p>Drop a CSV, TSV, Parquet or JSON file here (gzip too), or choose one.</p>
          <Field label="File">
            {(p) => <input {...p} ref={input} type="file" onChange={(e) => choose(e.target.files)} />}
          </Field>
          {file ? (
            <p>
              Selected: <strong>{file.name}</strong> ({formatBytes(file.size)})
            </p>
          ) : null}
        </div>
        <Field label="Dataset name">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field
          label="Column names (optional)"
          hint="Comma-separated, one per column: for a file without a header row, whose columns are otherwise column_1, column_2, …; given for a file with one, they replace its names."
          error={fieldError(uploadError, "column_names", "columnNames")}
        >
          {(p) => <input {...p} value={columns} onChange={(e) => setColumns(e.target.value)} placeholder="age, workclass, fnlwgt, …" />}
        </Field>
        {sent ? (
          <div>
            <ProgressBar value={sent.total ? (100 * sent.sent) / sent.total : 0} label="Upload progress" />
            <p className="muted">
              {formatBytes(sent.sent)} of {formatBytes(sent.total)} sent
              {sent.sent >= sent.total ? " — the server is reading the file…" : ""}
            </p>
          </div>
        ) : null}
        <Alert error={uploadError} />
        <button type="submit" className="primary" disabled={sent !== null}>
          Upload dataset
        </button>
      </form>
    </section>
  );
}
