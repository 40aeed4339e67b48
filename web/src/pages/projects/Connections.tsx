import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "../../components/lists";
import { Alert, Empty, Field, formatDate } from "../../components/ui";
import { AddConnectionDocument, CheckConnectionDocument, ProjectConnectionsDocument, type ProjectRole } from "../../gql/graphql";
import { fieldError, toApiError } from "../../lib/errors";
import { canEdit } from "../../lib/roles";

/** The project's database connections (their URLs shown without the password). Editors and
 * owners add one (the password is sent once, never shown again) and test it. */
export function Connections({ projectId, myRole }: { projectId: string; myRole: ProjectRole }) {
  const editor = canEdit(myRole);
  const [result, reload] = useQuery({ query: ProjectConnectionsDocument, variables: { projectId } });
  const [added, add] = useMutation(AddConnectionDocument);
  const [tested, test] = useMutation(CheckConnectionDocument);
  const [testedId, setTestedId] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const addError = added.error ? toApiError(added.error) : null;
  const rows = result.data?.connections.nodes ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await add({ projectId, name: name.trim(), url: url.trim() });
    if (done.data) {
      setName("");
      setUrl("");
      reload({ requestPolicy: "network-only" });
    }
  }

  const outcome = tested.data?.testConnection;
  return (
    <section aria-labelledby="connections-heading">
      <h2 id="connections-heading">Connections</h2>
      {result.error ? <Alert error={toApiError(result.error)} /> : null}
      {rows.length === 0 ? (
        <Empty>No database connections yet.</Empty>
      ) : (
        <DataTable
          caption="Connections"
          rows={rows}
          rowKey={(c) => c.id}
          columns={[
            { header: "Name", cell: (c) => c.name },
            { header: "Database", cell: (c) => <code>{c.maskedUrl}</code> },
            { header: "Added", cell: (c) => formatDate(c.createdAt) },
            {
              header: "Test",
              cell: (c) =>
                editor ? (
                  <button
                    type="button"
                    aria-label={`Test connection ${c.name}`}
                    disabled={tested.fetching}
                    onClick={() => {
                      setTestedId(c.id);
                      void test({ id: c.id });
                    }}
                  >
                    Test connection
                  </button>
                ) : null,
            },
          ]}
        />
      )}
      {testedId && outcome ? (
        <p role="status">
          {outcome.ok ? "Connected." : `Could not connect (${outcome.errorCode ?? "error"}): ${outcome.message}`}
        </p>
      ) : null}
      {tested.error ? <Alert error={toApiError(tested.error)} /> : null}
      {editor ? (
        <form className="inline-form" aria-label="Add connection" onSubmit={submit}>
          <Field label="Connection name" error={fieldError(addError, "name")}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required />}
          </Field>
          <Field label="Database URL" hint="postgresql://user:password@host:5432/database" error={fieldError(addError, "url")}>
            {(p) => <input {...p} type="password" autoComplete="off" value={url} onChange={(e) => setUrl(e.target.value)} required />}
          </Field>
          <button type="submit" disabled={added.fetching}>
            Add connection
          </button>
          {addError && !fieldError(addError, "url") && !fieldError(addError, "name") ? <Alert error={addError} /> : null}
        </form>
      ) : null}
    </section>
  );
}
