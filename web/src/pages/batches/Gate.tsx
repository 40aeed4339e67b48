import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { Alert, formatDate } from "../../components/ui";
import { ReleaseBatchDocument, type BatchQuery } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

type BatchGate = NonNullable<BatchQuery["batch"]["gate"]>;

/** Whether the project's privacy gate keeps the batch's rows from being downloaded now. */
export function held(gate?: BatchGate | null): boolean {
  return gate?.state === "BLOCKED" || gate?.state === "AWAITING_VERDICT";
}

/** The privacy gate's word on the batch: why it is held (with a release form for those who
 * may release it), or who released it and why. Nothing while the gate lets it through. */
export function GateNotice({ batchId, gate, onReleased }: { batchId: string; gate?: BatchGate | null; onReleased: () => void }) {
  if (gate?.state === "RELEASED") {
    return (
      <section aria-labelledby="gate-heading">
        <h2 id="gate-heading">Released past the privacy gate</h2>
        <p>
          Released {formatDate(gate.releasedAt)} by {gate.releasedBy}: “{gate.reason}”
        </p>
      </section>
    );
  }
  if (!held(gate) || !gate) return null;
  return (
    <section aria-labelledby="gate-heading">
      <h2 id="gate-heading">Held by the privacy gate</h2>
      <p role="alert" className="alert">
        {gate.message}
      </p>
      {gate.canRelease ? <ReleaseForm batchId={batchId} onReleased={onReleased} /> : null}
    </section>
  );
}

function ReleaseForm({ batchId, onReleased }: { batchId: string; onReleased: () => void }) {
  const [reason, setReason] = useState("");
  const [result, release] = useMutation(ReleaseBatchDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await release({ batchId, reason });
    if (done.data) onReleased();
  }

  return (
    <form onSubmit={submit} aria-label="Release the batch">
      <div className="field">
        <label htmlFor="release-reason">Reason (recorded and sent to the project's owners)</label>
        <textarea id="release-reason" value={reason} maxLength={2000} required onChange={(e) => setReason(e.target.value)} />
      </div>
      <button type="submit" className="danger" disabled={result.fetching || !reason.trim()}>
        Release batch
      </button>
      {result.error ? <Alert error={toApiError(result.error)} /> : null}
    </form>
  );
}
