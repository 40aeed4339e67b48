import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Alert, Empty, Field, Loading, Pager, StatusBadge, formatDate, usePages } from "../../components/ui";
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
      <Members project={project} myId={me?.id} onChanged={() => refetch({ requestPolicy: "network-only" })} />
      {isOwner(project.myRole) ? <Settings project={project} /> : null}
    </section>
  );
}

function Datasets({ projectId }: { projectId: string }) {
  const pages = usePages();
  const [{ data, fetching, error }] = useQuery({
    query: ProjectDatasetsDocument,
    variables: { projectId, after: pages.after },
  });
  return (
    <section aria-labelledby="datasets-heading">
      <h2 id="datasets-heading">Datasets</h2>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="datasets" /> : null}
      {data?.datasets.nodes.length === 0 ? <Empty>No datasets yet.</Empty> : null}
      {data && data.datasets.nodes.length > 0 ? (
        <table>
          <caption className="visually-hidden">Datasets</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Rows</th>
              <th scope="col">Uploaded</th>
            </tr>
          </thead>
          <tbody>
            {data.datasets.nodes.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/datasets/${d.id}`}>{d.name}</Link>
                </td>
                <td>
                  <StatusBadge status={d.status} />
                </td>
                <td>{d.status === "READY" ? d.rowCount.toLocaleString() : "–"}</td>
                <td>{formatDate(d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} pageInfo={data?.datasets.pageInfo} />
    </section>
  );
}

function Models({ projectId }: { projectId: string }) {
  const pages = usePages();
  const [{ data, fetching, error }] = useQuery({
    query: ProjectModelsDocument,
    variables: { projectId, after: pages.after },
  });
  return (
    <section aria-labelledby="models-heading">
      <h2 id="models-heading">Models</h2>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="models" /> : null}
      {data?.models.nodes.length === 0 ? <Empty>No models yet: open a dataset to train one.</Empty> : null}
      {data && data.models.nodes.length > 0 ? (
        <table>
          <caption className="visually-hidden">Models</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Engine</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {data.models.nodes.map((m) => (
              <tr key={m.id}>
                <td>
                  <Link to={`/models/${m.id}`}>{m.name || m.id}</Link>
                </td>
                <td>{m.engine}</td>
                <td>
                  <StatusBadge status={m.status} />
                </td>
                <td>{formatDate(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} pageInfo={data?.models.pageInfo} />
    </section>
  );
}

function Batches({ projectId }: { projectId: string }) {
  const pages = usePages();
  const [{ data, fetching, error }] = useQuery({
    query: ProjectBatchesDocument,
    variables: { projectId, after: pages.after },
  });
  return (
    <section aria-labelledby="batches-heading">
      <h2 id="batches-heading">Synthetic batches</h2>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="batches" /> : null}
      {data?.batches.nodes.length === 0 ? <Empty>No synthetic data yet.</Empty> : null}
      {data && data.batches.nodes.length > 0 ? <BatchTable batches={data.batches.nodes} /> : null}
      <Pager pages={pages} pageInfo={data?.batches.pageInfo} />
    </section>
  );
}

export function BatchTable({
  batches,
}: {
  batches: {
    id: string;
    status?: string | null;
    rowCount: number;
    qualityScore?: number | null;
    privacyVerdict?: string | null;
    templateId?: string | null;
    createdAt?: string | null;
  }[];
}) {
  return (
    <table>
      <caption className="visually-hidden">Batches</caption>
      <thead>
        <tr>
          <th scope="col">Batch</th>
          <th scope="col">Status</th>
          <th scope="col">Rows</th>
          <th scope="col">Quality</th>
          <th scope="col">Privacy</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((b) => (
          <tr key={b.id}>
            <td>
              <Link to={`/batches/${b.id}`}>{b.templateId ? `${b.templateId} ${b.id}` : `Batch ${b.id}`}</Link>
            </td>
            <td>
              <StatusBadge status={b.status} />
            </td>
            <td>{b.rowCount.toLocaleString()}</td>
            <td>{b.qualityScore != null ? `${(b.qualityScore * 100).toFixed(1)} %` : "–"}</td>
            <td>{b.privacyVerdict ?? "–"}</td>
            <td>{formatDate(b.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
