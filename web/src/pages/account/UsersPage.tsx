import { useMutation, useQuery } from "urql";
import { PagedTable } from "../../components/lists";
import { Alert, formatDate, usePages } from "../../components/ui";
import { SetUserDisabledDocument, UsersDocument } from "../../gql/graphql";
import { useAuth } from "../../lib/auth";
import { toApiError } from "../../lib/errors";

export default function UsersPage() {
  const { me } = useAuth();
  const pages = usePages();
  const [users] = useQuery({ query: UsersDocument, variables: { after: pages.after }, pause: me?.role !== "ADMIN" });
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
      {result.error ? <Alert error={toApiError(result.error)} /> : null}
      <PagedTable what="users" caption="Accounts" result={users} connection={users.data?.users} pages={pages}
        columns={[
          { header: "Email", cell: (u) => u.email },
          { header: "Role", cell: (u) => u.role.toLowerCase() },
          { header: "Registered", cell: (u) => formatDate(u.createdAt) },
          {
            header: "State",
            cell: (u) =>
              u.id === me.id ? (
                "you"
              ) : (
                <button type="button" onClick={() => void setDisabled({ userId: u.id, disabled: !u.disabled })}>
                  {/* The email is in the row already: said to screen readers, not shown twice. */}
                  {u.disabled ? "Enable" : "Disable"}{" "}
                  <span className="visually-hidden">{u.email}</span>
                </button>
              ),
          },
        ]}
      />
    </section>
  );
}
