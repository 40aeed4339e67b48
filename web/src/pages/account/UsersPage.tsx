import { useMutation, useQuery } from "urql";
import { Alert, Loading, Pager, formatDate, usePages } from "../../components/ui";
import { SetUserDisabledDocument, UsersDocument } from "../../gql/graphql";
import { useAuth } from "../../lib/auth";
import { toApiError } from "../../lib/errors";

export default function UsersPage() {
  const { me } = useAuth();
  const pages = usePages();
  const [{ data, fetching, error }] = useQuery({ query: UsersDocument, variables: { after: pages.after }, pause: me?.role !== "ADMIN" });
  const [result, setDisabled] = useMutation(SetUserDisabledDocument);
  if (me?.role !== "ADMIN") {
    return (
      <section>
        <h1>Users</h1>
        <p role="alert" className="alert">
          Only administrators can see and manage accounts.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>Users</h1>
      {error ? <Alert error={toApiError(error)} /> : null}
      {result.error ? <Alert error={toApiError(result.error)} /> : null}
      {fetching && !data ? <Loading what="users" /> : null}
      {data ? (
        <table>
          <caption className="visually-hidden">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Registered</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {data.users.nodes.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.role.toLowerCase()}</td>
                <td>{formatDate(u.createdAt)}</td>
                <td>
                  {u.id === me.id ? (
                    "you"
                  ) : (
                    <button type="button" onClick={() => void setDisabled({ userId: u.id, disabled: !u.disabled })}>
                      {/* The email is in the row already: said to screen readers, not shown twice. */}
                      {u.disabled ? "Enable" : "Disable"}
                      {" "}
                      <span className="visually-hidden">{u.email}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} pageInfo={data?.users.pageInfo} />
    </section>
  );
}
