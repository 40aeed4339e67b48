import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { PagedSection, type Column } from "../../components/lists";
import { ConfirmDelete, NotLoaded, Section } from "../../components/page";
import { Alert, Field, StatusBadge, formatDate } from "../../components/ui";
import {
  DeleteProjectDocument,
  ProjectBatchesDocument,
  ProjectDatasetsDocument,
  ProjectDocument,
  ProjectModelsDocument,
  UpdateProjectDocument,
  type ProjectDatasetsQuery,
  type ProjectModelsQuery,
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
  const [result, refetch] = useQuery({ query: ProjectDocument, variables: { id: projectId } });
  const data = result.data;
  if (result.error || !data) return <NotLoaded result={result} what="the project" />;
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
      <PagedSection title="Datasets" query={ProjectDatasetsDocument} variables={{ projectId: project.id }} connection={(d) => d.datasets}
        what="datasets" caption="Datasets" empty="No datasets yet." columns={DATASET_COLUMNS} />
      <PagedSection title="Models" query={ProjectModelsDocument} variables={{ projectId: project.id }} connection={(d) => d.models}
        what="models" caption="Models" empty="No models yet: open a dataset to train one." columns={MODEL_COLUMNS} />
      <PagedSection title="Synthetic batches" query={ProjectBatchesDocument} variables={{ projectId: project.id }} connection={(d) => d.batches}
        what="batches" caption="Batches" empty="No synthetic data yet." columns={BATCH_COLUMNS} />
      <Connections projectId={project.id} myRole={project.myRole} />
      <Members project={project} myId={me?.id} onChanged={() => refetch({ requestPolicy: "network-only" })} />
      {isOwner(project.myRole) ? <Settings project={project} /> : null}
    </section>
  );
}

const DATASET_COLUMNS: Column<ProjectDatasetsQuery["datasets"]["nodes"][number]>[] = [
  { header: "Name", cell: (d) => <Link to={`/datasets/${d.id}`}>{d.name}</Link> },
  { header: "Status", cell: (d) => <StatusBadge status={d.status} /> },
  { header: "Rows", cell: (d) => (d.status === "READY" ? d.rowCount.toLocaleString() : "–") },
  { header: "Uploaded", cell: (d) => formatDate(d.createdAt) },
];

const MODEL_COLUMNS: Column<ProjectModelsQuery["models"]["nodes"][number]>[] = [
  { header: "Model", cell: (m) => <Link to={`/models/${m.id}`}>{m.name || m.id}</Link> },
  { header: "Engine", cell: (m) => m.engine },
  { header: "Status", cell: (m) => <StatusBadge status={m.status} /> },
  { header: "Created", cell: (m) => formatDate(m.createdAt) },
];

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
  const error = updated.error ? toApiError(updated.error) : null;
  return (
    <Section title="Settings">
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
      <ConfirmDelete
        label="Delete project"
        question={`Delete “${project.name}” with all its datasets, models and files? This cannot be undone.`}
        error={deleted.error}
        onConfirm={async () => {
          const done = await remove({ id: project.id });
          if (done.data) navigate("/projects");
        }}
      />
    </Section>
  );
}
