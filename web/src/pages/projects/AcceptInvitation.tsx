import { useLocation, useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { Alert } from "../../components/ui";
import { AcceptProjectInvitationDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

/** An invitation link (`/invitations#<token>`, from the project's Members): signed in (signing
 * up first if need be), the invitee joins the project with the token and goes to it. Joining
 * waits for the click, so that a link opened by a preview or by the wrong account joins nothing.
 * The token is in the fragment, which browsers never send: no server or proxy logs it. */
export default function AcceptInvitation() {
  const token = tokenFromHash(useLocation().hash);
  const navigate = useNavigate();
  const [accepted, accept] = useMutation(AcceptProjectInvitationDocument);
  const error = accepted.error ? toApiError(accepted.error) : null;

  async function join() {
    const done = await accept({ token });
    if (done.data) navigate(`/projects/${done.data.acceptProjectInvitation.id}`);
  }

  if (!token) {
    return (
      <section>
        <h1>Join a project</h1>
        <Alert>This invitation link has no token: open the whole link you were sent.</Alert>
      </section>
    );
  }

  return (
    <section>
      <h1>Join a project</h1>
      <p>You were invited to a project. Join it as the account you are signed in with?</p>
      <button type="button" className="primary" onClick={() => void join()} disabled={accepted.fetching}>
        Join project
      </button>
      {error ? <Alert error={error} /> : null}
    </section>
  );
}

function tokenFromHash(hash: string): string {
  try {
    return decodeURIComponent(hash.replace(/^#/, "")).trim();
  } catch {
    return ""; // a malformed escape: no token rather than a crash
  }
}
