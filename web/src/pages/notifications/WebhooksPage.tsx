import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { PagedTable, usePagedQuery } from "../../components/lists";
import { Alert, Field, SecretOnce, formatDate, useCreateWithSecret } from "../../components/ui";
import { CreateWebhookDocument, DeleteWebhookDocument, WebhooksDocument } from "../../gql/graphql";
import { fieldError, toApiError } from "../../lib/errors";

export default function WebhooksPage() {
  const { pages, result, reload } = usePagedQuery(WebhooksDocument, {}, "network-only");
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("");
  const { create, fetching, secret, apiError } = useCreateWithSecret(CreateWebhookDocument, (data) => data.createWebhook.secret);
  const [deleted, remove] = useMutation(DeleteWebhookDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await create({ input: { url: url.trim(), events: events.split(",").map((e) => e.trim()).filter(Boolean) } })) {
      setUrl("");
      setEvents("");
      reload();
    }
  }
  return (
    <section>
      <h1>Webhooks</h1>
      <p>Each matching event is POSTed to your URL as JSON, signed with HMAC-SHA256 in X-Synthetica-Signature.</p>
      <form onSubmit={submit} className="card" aria-label="New webhook" noValidate>
        <Field label="URL" error={fieldError(apiError, "url")}>
          {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks" />}
        </Field>
        <Field label="Events (comma-separated, empty for all)" error={fieldError(apiError, "events")} hint="e.g. model.trained, batch.generated">
          {(p) => <input {...p} value={events} onChange={(e) => setEvents(e.target.value)} />}
        </Field>
        {apiError && !fieldError(apiError, "url", "events") ? <Alert error={apiError} /> : null}
        <button type="submit" className="primary" disabled={fetching}>
          Add webhook
        </button>
      </form>
      <SecretOnce secret={secret}>The signing secret, shown this once: copy it now.</SecretOnce>
      {deleted.error ? <Alert error={toApiError(deleted.error)} /> : null}
      <PagedTable what="webhooks" caption="Webhooks" result={result} connection={result.data?.webhooks} pages={pages} empty="No webhooks yet."
        columns={[
          { header: "URL", cell: (w) => w.url },
          { header: "Events", cell: (w) => (w.events.length ? w.events.join(", ") : "all") },
          { header: "Created", cell: (w) => formatDate(w.createdAt) },
          {
            header: "Actions",
            cell: (w) => (
              <button type="button" className="danger" onClick={async () => { await remove({ id: w.id }); reload(); }}>
                Delete <span className="visually-hidden">webhook {w.url}</span>
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
