import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { Alert, Loading, SelectField } from "../../components/ui";
import { ProjectGuaranteesDocument, UpdateProjectGuaranteesDocument, type PrivacyGate } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

const GATES: Record<PrivacyGate, string> = {
  OFF: "Off: every ready batch downloads",
  BLOCK: "Block: a batch failing its privacy check never downloads",
  OWNER_OVERRIDE: "Owner override: as Block, but an owner may release it with a reason",
};

/** The project's guarantees, for its owners: the privacy gate on downloads and whether
 * editors' training and generation requests need an owner's approval. */
export function Guarantees({ projectId }: { projectId: string }) {
  const [{ data, error }] = useQuery({ query: ProjectGuaranteesDocument, variables: { id: projectId } });
  if (error) return <Alert error={toApiError(error)} />;
  // The fields appear only with the project's saved values: shown earlier, a choice made
  // before the answer arrived was overwritten by it, and "Save" then stored the old values.
  if (!data) return <Loading what="guarantees" />;
  return <GuaranteesForm projectId={projectId} initialGate={data.project.privacyGate} initialApproval={data.project.approvalRequired} />;
}

function GuaranteesForm({ projectId, initialGate, initialApproval }: { projectId: string; initialGate: PrivacyGate; initialApproval: boolean }) {
  const [gate, setGate] = useState<PrivacyGate>(initialGate);
  const [approval, setApproval] = useState(initialApproval);
  const [saved, save] = useMutation(UpdateProjectGuaranteesDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await save({ input: { id: projectId, privacyGate: gate, approvalRequired: approval } });
  }

  return (
    <form onSubmit={submit} aria-label="Guarantees">
      <h3>Guarantees</h3>
      <SelectField label="Privacy gate" values={Object.keys(GATES) as PrivacyGate[]} show={(g) => GATES[g as PrivacyGate]} value={gate} onChange={setGate} />
      <div className="field">
        <label>
          <input type="checkbox" checked={approval} onChange={(e) => setApproval(e.target.checked)} /> Editors' training and generation requests wait for an owner's approval
        </label>
      </div>
      <button type="submit" disabled={saved.fetching}>
        Save guarantees
      </button>
      {saved.data ? <span role="status">Saved.</span> : null}
      {saved.error ? <Alert error={toApiError(saved.error)} /> : null}
    </form>
  );
}
