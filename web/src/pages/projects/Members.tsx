import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { DataTable } from "../../components/lists";
import { Alert, Empty, Field, Options, formatDate } from "../../components/ui";
import {
  AddProjectMemberDocument,
  ChangeMemberRoleDocument,
  RemoveProjectMemberDocument,
  type ProjectQuery,
  type ProjectRole,
} from "../../gql/graphql";
import { fieldError, toApiError } from "../../lib/errors";
import { isOwner } from "../../lib/roles";

type Project = ProjectQuery["project"];
type Member = Project["members"][number];
const ROLES: ProjectRole[] = ["OWNER", "EDITOR", "VIEWER"];

/** The project's members and, apart from them, its pending invitations (an email with no
 * account yet, or an account that has not opened the project: the API shows both alike, with
 * no user id). Owners invite, change roles, remove members and withdraw invitations; anyone
 * may leave, except the last owner (the datasets service keeps one). `onChanged` reloads the
 * project: removals answer a bare Boolean, which no cache can tie to the member list. */
export function Members({ project, myId, onChanged }: { project: Project; myId?: string | null; onChanged: () => void }) {
  const owner = isOwner(project.myRole);
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("VIEWER");
  const [leaving, setLeaving] = useState(false);
  // The last invitation's link: its token is shown once, in the invitation's answer.
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [added, add] = useMutation(AddProjectMemberDocument);
  const [changed, change] = useMutation(ChangeMemberRoleDocument);
  const [removed, remove] = useMutation(RemoveProjectMemberDocument);
  const addError = added.error ? toApiError(added.error) : null;
  const otherError = changed.error ?? removed.error;

  const members = project.members.filter((m) => !m.pending);
  const pending = project.members.filter((m) => m.pending);
  const me = members.find((m) => m.userId && m.userId === myId);
  const owners = members.filter((m) => m.role === "OWNER").length;
  const canLeave = me !== undefined && (me.role !== "OWNER" || owners > 1);

  async function invite(event: FormEvent) {
    event.preventDefault();
    const done = await add({ projectId: project.id, email: email.trim(), role });
    if (done.data) {
      const { email: invited, invitationToken } = done.data.addProjectMember;
      setLink(invitationToken ? { email: invited, url: invitationUrl(invitationToken) } : null);
      setEmail("");
      onChanged();
    }
  }

  async function removeMember(member: Member) {
    const done = await remove(
      member.userId ? { projectId: project.id, userId: member.userId } : { projectId: project.id, email: member.email },
    );
    if (done.data) onChanged();
  }

  async function leave() {
    if (!me?.userId) return;
    const done = await remove({ projectId: project.id, userId: me.userId });
    if (done.data) navigate("/projects");
  }

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <DataTable
        caption="Members"
        rows={members}
        rowKey={(m) => m.userId ?? m.email}
        columns={[
          {
            header: "Email",
            cell: (m) => (
              <>
                {m.email}
                {m.userId === myId ? <span className="muted"> (you)</span> : null}
              </>
            ),
          },
          {
            header: "Role",
            cell: (m) =>
              owner && m.userId ? (
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={async (e) => {
                    const done = await change({ projectId: project.id, userId: m.userId!, role: e.target.value as ProjectRole });
                    if (done.data) onChanged();
                  }}
                >
                  <Options values={ROLES} show={(r) => r.toLowerCase()} />
                </select>
              ) : (
                m.role.toLowerCase()
              ),
          },
          { header: "Added", cell: (m) => formatDate(m.addedAt) },
          owner && {
            header: "Actions",
            // Your own row: "Leave project" below, which also keeps the last owner.
            cell: (m) =>
              m.userId !== myId ? (
                <button type="button" onClick={() => void removeMember(m)}>
                  Remove <span className="visually-hidden">{m.email}</span>
                </button>
              ) : null,
          },
        ]}
      />

      <h3 id="invitations-heading">Pending invitations</h3>
      {pending.length === 0 ? (
        <Empty>No pending invitations.</Empty>
      ) : (
        <>
          <p className="muted">
            Invited by email: with an account already, they join with this role when they first open the project; without
            one, when they open the invitation link you sent them, after signing up (signing up with that address alone
            does not let anyone in).
          </p>
          <DataTable
            labelledBy="invitations-heading"
            rows={pending}
            rowKey={(m) => `invited:${m.email}`}
            columns={[
              {
                header: "Email",
                cell: (m) => (
                  <>
                    {m.email} <span className="badge badge-pending">invitation pending</span>
                  </>
                ),
              },
              { header: "Role", cell: (m) => m.role.toLowerCase() },
              { header: "Invited", cell: (m) => formatDate(m.addedAt) },
              owner && {
                header: "Actions",
                cell: (m) => (
                  <button type="button" onClick={() => void removeMember({ ...m, userId: null })}>
                    Withdraw invitation <span className="visually-hidden">to {m.email}</span>
                  </button>
                ),
              },
            ]}
          />
        </>
      )}
      {otherError ? <Alert error={toApiError(otherError)} /> : null}

      {owner ? (
        <form onSubmit={invite} className="inline-form" aria-label="Invite a member">
          <Field label="Member email" error={fieldError(addError, "email")}>
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Role">
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
                <Options values={ROLES} show={(r) => r.toLowerCase()} />
              </select>
            )}
          </Field>
          <button type="submit" disabled={added.fetching}>
            Invite
          </button>
          {addError && !fieldError(addError, "email") ? <Alert error={addError} /> : null}
        </form>
      ) : null}
      {owner && link ? (
        <div className="card" role="group" aria-label="Invitation link">
          <p>
            Send this link to {link.email}; it is shown only now (invite them again for a new one, which replaces it):
          </p>
          <input readOnly aria-label={`Invitation link for ${link.email}`} value={link.url} onFocus={(e) => e.target.select()} />
        </div>
      ) : null}

      {canLeave ? (
        !leaving ? (
          <button type="button" onClick={() => setLeaving(true)}>
            Leave project
          </button>
        ) : (
          <div className="card" role="group" aria-label="Confirm leaving">
            <p>Leave “{project.name}”? You lose access to its datasets, models and batches until an owner invites you again.</p>
            <button type="button" className="danger" onClick={() => void leave()} disabled={removed.fetching}>
              Yes, leave
            </button>{" "}
            <button type="button" onClick={() => setLeaving(false)}>
              Stay
            </button>
          </div>
        )
      ) : me?.role === "OWNER" ? (
        <p className="muted">You are the only owner: make another member an owner before you can leave.</p>
      ) : null}
    </section>
  );
}

/** Where the invitee opens an invitation: the dashboard's own page, on this dashboard's address.
 * The token goes in the fragment, which browsers never send to a server or proxy. */
export function invitationUrl(token: string): string {
  return `${window.location.origin}/invitations#${encodeURIComponent(token)}`;
}
