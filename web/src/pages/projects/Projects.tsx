import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { PagedTable, usePagedQuery } from "../../components/lists";
import { Alert, Field, formatDate } from "../../components/ui";
import { CreateProjectDocument, ProjectsDocument } from "../../gql/graphql";
import { fieldError, toApiError } from "../../lib/errors";

export function NewProjectForm({ onCancel }: { onCancel: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [result, create] = useMutation(CreateProjectDocument);
  const [localError, setLocalError] = useState("");
  const error = result.error ? toApiError(result.error) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setLocalError("Give the project a name.");
      return;
    }
    setLocalError("");
    const done = await create({ input: { name: name.trim(), description } });
    if (done.data) navigate(`/projects/${done.data.createProject.id}`);
  }

  return (
    <form onSubmit={submit} className="card" aria-label="New project" noValidate>
      <Field label="Project name" error={localError || fieldError(error, "name")}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
      </Field>
      <Field label="Description" error={fieldError(error, "description")}>
        {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      {error && !fieldError(error, "name", "description") ? <Alert error={error} /> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={result.fetching}>
          Create
        </button>
        <button type="button" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}

export default function Projects() {
  const { pages, result } = usePagedQuery(ProjectsDocument, {});
  const [creating, setCreating] = useState(false);
  return (
    <section>
      <div className="page-head">
        <h1>Projects</h1>
        {!creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New project
          </button>
        ) : null}
      </div>
      {creating ? <NewProjectForm onCancel={() => setCreating(false)} /> : null}
      <PagedTable what="projects" caption="Your projects" result={result} connection={result.data?.projects} pages={pages} empty="No projects yet. A project holds your datasets, models and synthetic data: create one to start."
        columns={[
          { header: "Name", cell: (p) => <Link to={`/projects/${p.id}`}>{p.name}</Link> },
          { header: "Description", cell: (p) => p.description },
          { header: "Your role", cell: (p) => p.myRole.toLowerCase() },
          { header: "Created", cell: (p) => formatDate(p.createdAt) },
        ]}
      />
    </section>
  );
}
