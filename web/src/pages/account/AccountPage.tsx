import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { PagedTable, usePagedQuery } from "../../components/lists";
import { Section } from "../../components/page";
import { Alert, Field, SecretOnce, formatBytes, formatDate, useCreateWithSecret } from "../../components/ui";
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  RevokeApiKeyDocument,
  StorageUsageDocument,
  UpdateProfileDocument,
} from "../../gql/graphql";
import { useAuth } from "../../lib/auth";
import { fieldError, toApiError } from "../../lib/errors";

export default function AccountPage() {
  return (
    <section>
      <h1>Your account</h1>
      <Profile />
      <Storage />
      <ApiKeys />
    </section>
  );
}

/** The bytes stored for the projects you own, datasets and generated batches (a shared project
 * counts against its owner), against your quota: uploads and generate requests past it are
 * refused. */
export function Storage() {
  const [{ data, error }] = useQuery({ query: StorageUsageDocument, requestPolicy: "cache-and-network" });
  const usage = data?.storageUsage;
  const line = !usage
    ? null
    : usage.quotaBytes
      ? `${formatBytes(usage.usedBytes)} of ${formatBytes(usage.quotaBytes)} used`
      : `${formatBytes(usage.usedBytes)} used (no quota)`;
  return (
    <p className="card" role="group" aria-label="Storage">
      Storage: {line ?? (error ? "not available" : "…")}
      {usage?.quotaBytes ? (
        <meter aria-label="Storage used" min={0} max={usage.quotaBytes} value={usage.usedBytes} />
      ) : null}
    </p>
  );
}

function Profile() {
  const { me } = useAuth();
  const [form, setForm] = useState({
    displayName: me?.profile.displayName ?? "",
    organization: me?.profile.organization ?? "",
    bio: me?.profile.bio ?? "",
  });
  const [result, update] = useMutation(UpdateProfileDocument);
  const error = result.error ? toApiError(result.error) : null;
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <form
      className="card"
      aria-labelledby="profile-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void update({ input: form });
      }}
    >
      <h2 id="profile-heading">Profile</h2>
      <p>
        {me?.email} · {me?.role.toLowerCase()} · since {formatDate(me?.createdAt)}
      </p>
      <Field label="Display name" error={fieldError(error, "display_name")}>
        {(p) => <input {...p} value={form.displayName} onChange={set("displayName")} />}
      </Field>
      <Field label="Organization" error={fieldError(error, "organization")}>
        {(p) => <input {...p} value={form.organization} onChange={set("organization")} />}
      </Field>
      <Field label="Bio" error={fieldError(error, "bio")}>
        {(p) => <textarea {...p} rows={3} value={form.bio} onChange={set("bio")} />}
      </Field>
      {error && !fieldError(error, "display_name", "organization", "bio") ? <Alert error={error} /> : null}
      <button type="submit" disabled={result.fetching}>
        Save profile
      </button>
      {result.data ? <span role="status"> Profile saved.</span> : null}
    </form>
  );
}

export function ApiKeys() {
  const { pages, result: list, reload } = usePagedQuery(ApiKeysDocument, {}, "network-only");
  const [name, setName] = useState("");
  const [days, setDays] = useState("0");
  const { create, fetching, secret, apiError } = useCreateWithSecret(CreateApiKeyDocument, (data) => data.createApiKey.secret);
  const [revoked, revoke] = useMutation(RevokeApiKeyDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await create({ input: { name: name.trim(), expiresInDays: Number(days) || 0 } })) {
      setName("");
      reload();
    }
  }
  return (
    <Section title="API keys">
      <form onSubmit={submit} className="inline-form" aria-label="New API key" noValidate>
        <Field label="Key name" error={fieldError(apiError, "name")}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Expires in days (0: never)" error={fieldError(apiError, "expires_in_days")}>
          {(p) => <input {...p} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />}
        </Field>
        <button type="submit" disabled={fetching}>
          Create key
        </button>
        {apiError && !fieldError(apiError, "name", "expires_in_days") ? <Alert error={apiError} /> : null}
      </form>
      <SecretOnce secret={secret}>Your new key, shown this once: copy it now and send it as X-API-Key.</SecretOnce>
      {revoked.error ? <Alert error={toApiError(revoked.error)} /> : null}
      <PagedTable what="keys" caption="API keys" result={list} connection={list.data?.apiKeys} pages={pages} empty="No API keys yet."
        columns={[
          { header: "Name", cell: (k) => k.name },
          { header: "Prefix", cell: (k) => <code>{k.prefix}…</code> },
          { header: "Created", cell: (k) => formatDate(k.createdAt) },
          { header: "Last used", cell: (k) => formatDate(k.lastUsedAt) },
          {
            header: "State",
            cell: (k) =>
              k.revokedAt ? (
                `revoked ${formatDate(k.revokedAt)}`
              ) : (
                <button type="button" className="danger" onClick={async () => { await revoke({ id: k.id }); reload(); }}>
                  Revoke <span className="visually-hidden">{k.name}</span>
                </button>
              ),
          },
        ]}
      />
    </Section>
  );
}
