import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { Alert, Empty, Loading, Pager, formatDate, usePages } from "../../components/ui";
import { DeleteNotificationDocument, MarkNotificationsReadDocument, NotificationsDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

export default function NotificationsPage() {
  const pages = usePages();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: NotificationsDocument,
    variables: { after: pages.after, unreadOnly },
    requestPolicy: "network-only",
  });
  const [marked, mark] = useMutation(MarkNotificationsReadDocument);
  const [deleted, remove] = useMutation(DeleteNotificationDocument);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const actionError = marked.error ?? deleted.error;
  return (
    <section>
      <div className="page-head">
        <h1>Notifications</h1>
        <button type="button" onClick={async () => { await mark({ all: true, ids: null }); reload(); }}>
          Mark all read
        </button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={unreadOnly} onChange={(e) => { setUnreadOnly(e.target.checked); pages.reset(); }} /> Unread only
      </label>
      {error ? <Alert error={toApiError(error)} /> : null}
      {actionError ? <Alert error={toApiError(actionError)} /> : null}
      {fetching && !data ? <Loading what="notifications" /> : null}
      {data?.notifications.nodes.length === 0 ? <Empty>Nothing here: you are up to date.</Empty> : null}
      <ul className="notifications">
        {data?.notifications.nodes.map((n) => (
          <li key={n.id} className={n.isRead ? "read" : "unread"}>
            <div>
              <strong>{n.title}</strong> {!n.isRead ? <span className="badge badge-unread">unread</span> : null}
              <p>{n.message}</p>
              <small className="muted">{formatDate(n.createdAt)}</small>
            </div>
            <div className="actions">
              {!n.isRead ? (
                <button type="button" onClick={async () => { await mark({ ids: [n.id], all: false }); reload(); }}>
                  Mark “{n.title}” read
                </button>
              ) : null}
              <button type="button" onClick={async () => { await remove({ id: n.id }); reload(); }}>
                Delete “{n.title}”
              </button>
            </div>
          </li>
        ))}
      </ul>
      <Pager pages={pages} pageInfo={data?.notifications.pageInfo} />
    </section>
  );
}
