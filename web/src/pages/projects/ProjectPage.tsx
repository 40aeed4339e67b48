import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { PagedTable, type Column } from "../../components/lists";
import { Alert, Field, Loading, StatusBadge, formatDate, usePages } from "../../components/ui";
import {
  DeleteProjectDocument,
  ProjectBatchesDocument,
  ProjectDatasetsDocument,
  ProjectDocument,
  ProjectModelsDocument,
  UpdateProjectDocument,
  type ProjectQuery,
} from "../../gql/graphql";
import { useAuth } from "../../lib/auth";
import { fieldError, toApiError } from "../../lib/errors";
import { canEdit, isOwner } from "../../lib/roles";
import { Connections } from "./Connections";
import { Guarantees } from "./Guarantees";
import { Members } from "./Members";

type Project = ProjectQuery["project"];

export default function ProjectPage() {
  const { projectId = "" } = useParams();
  const { me } = useAuth();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProjectDocument, variables: { id: projectId } });
  if (error) return <Alert error={toApiError(error)} />;
  if (fetching && !data) return <Loading what="the project" />;
  if (!data) return null;
  const project = data.project;
  return (
    <section>
      <p className="crumbs">
        <Link to="/projects">Projects</Link> / {project.name}
      </p>
      <div className="page-head">
        <h1>{project.name}</h1>
        {canEdit(project.myRole) ? (
          <Link className="button primary" to={`/projects/${project.id}/upload`}>
            Upload dataset
          </Link>
        ) : null}
      </div>
      {project.description ? <p>{project.description}</p> : null}
      <p className="muted">Your role: {project.myRole.toLowerCase()}</p>
      <Datasets projectId={project.id} />
      <Models projectId={project.id} />
      <Batches projectId={project.id} />
      <Connections projectId={project.id} myRole={project.myRole} />
      <Members project={project} myId={me?.id} onChanged={() => refetch({ requestPolicy: "network-only" })} />
      {isOwner(project.myRole) ? <Settings project={project} /> : null}
    </section>
  );
}

function Datasets({ projectId }: { projectId: string }) {
  const pages = usePages();
  const [result] = useQuery({ query: ProjectDatasetsDocument, variables: { projectId, after: pages.after } });
  return (
    <section aria-labelledby="datasets-heading">
      <h2 id="datasets-heading">Datasets</h2>
      <PagedTable what="datasets" caption="Datasets" result={result} connection={result.data?.datasets} pages={pages} empty="No datasets yet."
        columns={[
          { header: "Name", cell: (d) => <Link to={`/datasets/${d.id}`}>{d.name}</Link> },
          { header: "Status", cell: (d) => <StatusBadge status={d.status} /> },
          { header: "Rows", cell: (d) => (d.status === "READY" ? d.rowCount.toLocaleString() : "–") },
          { header: "Uploaded", cell: (d) => formatDate(d.createdAt) },
        ]}
      />
    </section>
  );
}

function Models({ projectId }: { projectId: string }) {
  const pages = usePages();
  const [result] = useQuery({ query: ProjectModelsDocument, variables: { projectId, after: pages.after } });
  return (
    <section aria-labelledby="models-heading">
      <h2 id="models-heading">Models</h2>
      <PagedTable what="models" caption="Models" result={result} connection={result.data?.models} pages={pages} empty="No models yet: open a dataset to train one."
        columns={[
          { header: "Model", cell: (m) => <Link to={`/models/${m.id}`}>{m.name || m.id}</Link> },
          { header: "Engine", cell: (m) => m.engine },
          { header: "Status", cell: (m) => <StatusBadge status={m.status} /> },
          { header: "Created", cell: (m) => formatDate(m.createdAt) },
        ]}
      />
    </section>
  );
}

function Batches({ projectId }: { projectId: string }) {
  const pages = usePages();
  const [result] = useQuery({ query: ProjectBatchesDocument, variables: { projectId, after: pages.after } });
  return (
    <section aria-labelledby="batches-heading">
      <h2 id="batches-heading">Synthetic batches</h2>
      <PagedTable what="batches" caption="Batches" result={result} connection={result.data?.batches} pages={pages} empty="No synthetic data yet." columns={BATCH_COLUMNS} />
    </section>
  );
}

interface BatchRow {
  id: string;
  status?: string | null;
  rowCount: number;
  qualityScore?: number | null;
  privacyVerdict?: string | null;
  templateId?: string | null;
  createdAt?: string | null;
}

/** A project's or a model's batches. */
export const BATCH_COLUMNS: Column<BatchRow>[] = [
  { header: "Batch", cell: (b) => <Link to={`/batches/${b.id}`}>{b.templateId ? `${b.templateId} ${b.id}` : `Batch ${b.id}`}</Link> },
  { header: "Status", cell: (b) => <StatusBadge status={b.status} /> },
  { header: "Rows", cell: (b) => b.rowCount.toLocaleString() },
  { header: "Quality", cell: (b) => (b.qualityScore != null ? `${(b.qualityScore * 100).toFixed(1)} %` : "–") },
  { header: "Privacy", cell: (b) => b.privacyVerdict ?? "–" },
  { header: "Created", cell: (b) => formatDate(b.createdAt) },
];

function Settings({ project }: { project: Project }) {
  const navigate = useNavigate();
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [updated, update] = useMutation(UpdateProjectDocument);
  const [deleted, remove] = useMutation(DeleteProjectDocument);
  const [confirming, setConfirming] = useState(false);
  const error = updated.error ? toApiError(updated.error) : null;
  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <form
        className="inline-form"
        aria-label="Rename project"
        onSubmit={(e) => {
          e.preventDefault();
          void update({ input: { id: project.id, name, description } });
        }}
      >
        <Field label="New name" error={fieldError(error, "name")}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="New description">
          {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <button type="submit" disabled={updated.fetching}>
          Rename
        </button>
        {updated.data ? <span role="status">Saved.</span> : null}
        {error && !fieldError(error, "name") ? <Alert error={error} /> : null}
      </form>
      <Guarantees projectId={project.id} />
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete project
        </button>
      ) : (
        <div className="card" role="group" aria-label="Confirm deletion">
          <p>Delete “{project.name}” with all its datasets, models and files? This cannot be undone.</p>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              const done = await remove({ id: project.id });
              if (done.data) navigate("/projects");
            }}
          >
            Yes, delete it
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
          {deleted.error ? <Alert error={toApiError(deleted.error)} /> : null}
        </div>
      )}
    </section>
  );
}
