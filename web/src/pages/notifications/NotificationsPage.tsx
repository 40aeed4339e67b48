import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useSubscription } from "urql";
import { usePagedQuery } from "../../components/lists";
import { Alert, Empty, Loading, Pager, formatDate } from "../../components/ui";
import {
  DeleteNotificationDocument,
  MarkNotificationsReadDocument,
  NewNotificationsDocument,
  NotificationsDocument,
  type NewNotificationsSubscription,
} from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

type Arrived = NewNotificationsSubscription["notifications"];

// The pages of what a notification is about (its subject, "dataset:<id>"): "Dataset adult is
// ready" opens the dataset, "Evaluation ready" ("batch-report:<batch id>") the batch's report.
// An older report notification's subject is the report's own id ("report:<id>"), which no page
// takes: it stays text.
const SUBJECT_PAGES: Record<string, (id: string) => string> = {
  dataset: (id) => `/datasets/${id}`,
  job: (id) => `/jobs/${id}`,
  model: (id) => `/models/${id}`,
  batch: (id) => `/batches/${id}`,
  "batch-report": (id) => `/batches/${id}/report`,
};

export function subjectPath(subject: string): string | null {
  const at = subject.indexOf(":");
  const page = at > 0 && Object.hasOwn(SUBJECT_PAGES, subject.slice(0, at)) ? SUBJECT_PAGES[subject.slice(0, at)] : undefined;
  const id = subject.slice(at + 1);
  return page && id ? page(encodeURIComponent(id)) : null;
}

/** Notifications that arrived while the page is open are kept (newest first) up to this many;
 * older ones are on the server's pages. */
const KEEP_ARRIVED = 50;

export default function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const { pages, result: { data, fetching, error }, reload } = usePagedQuery(NotificationsDocument, { unreadOnly }, "network-only");
  const [marked, mark] = useMutation(MarkNotificationsReadDocument);
  const [deleted, remove] = useMutation(DeleteNotificationDocument);
  // Live: what the `notifications` subscription brings is shown at the top of the first page at
  // once (the server's list has it too on the next load; the server's copy wins then).
  const [arrived, setArrived] = useState<Arrived[]>([]);
  useSubscription({ query: NewNotificationsDocument }, (_previous, response) => {
    setArrived((list) => [response.notifications, ...list.filter((n) => n.id !== response.notifications.id)].slice(0, KEEP_ARRIVED));
    return response;
  });
  const firstPage = !pages.after;
  const nodes = useMemo(() => {
    const listed = data?.notifications.nodes ?? [];
    if (!firstPage) return listed;
    const known = new Set(listed.map((n) => n.id));
    return [...arrived.filter((n) => !known.has(n.id) && !(unreadOnly && n.isRead)), ...listed];
  }, [data, arrived, firstPage, unreadOnly]);
  const newElsewhere = firstPage ? 0 : arrived.filter((n) => !n.isRead).length;
  // What was done to an arrived notification holds for its kept copy too.
  const markArrived = (ids: string[] | null) =>
    setArrived((list) => list.map((n) => (ids === null || ids.includes(n.id) ? { ...n, isRead: true } : n)));
  const actionError = marked.error ?? deleted.error;
  return (
    <section>
      <div className="page-head">
        <h1>Notifications</h1>
        <button type="button" onClick={async () => { if (!(await mark({ all: true, ids: null })).error) markArrived(null); reload(); }}>
          Mark all read
        </button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={unreadOnly} onChange={(e) => { setUnreadOnly(e.target.checked); pages.reset(); }} /> Unread only
      </label>
      {error ? <Alert error={toApiError(error)} /> : null}
      {actionError ? <Alert error={toApiError(actionError)} /> : null}
      {fetching && !data ? <Loading what="notifications" /> : null}
      {newElsewhere > 0 ? (
        <p role="status">
          {newElsewhere === 1 ? "1 new notification" : `${newElsewhere} new notifications`} on the first page.{" "}
          <button type="button" onClick={pages.reset}>
            Show the newest
          </button>
        </p>
      ) : null}
      {data && nodes.length === 0 ? <Empty>Nothing here: you are up to date.</Empty> : null}
      <ul className="notifications" aria-label="Notifications">
        {nodes.map((n) => (
          <li key={n.id} className={n.isRead ? "read" : "unread"}>
            <div>
              <strong>{subjectPath(n.subject) ? <Link to={subjectPath(n.subject)!}>{n.title}</Link> : n.title}</strong> {!n.isRead ? <span className="badge badge-unread">unread</span> : null}
              <p>{n.message}</p>
              <small className="muted">{formatDate(n.createdAt)}</small>
            </div>
            <div className="actions">
              {!n.isRead ? (
                <button type="button" onClick={async () => { if (!(await mark({ ids: [n.id], all: false })).error) markArrived([n.id]); reload(); }}>
                  Mark <span className="visually-hidden">“{n.title}”</span> read
                </button>
              ) : null}
              <button type="button" onClick={async () => {
                  const done = await remove({ id: n.id });
                  if (done.data) setArrived((list) => list.filter((a) => a.id !== n.id));
                  reload();
                }}>
                Delete <span className="visually-hidden">“{n.title}”</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      <Pager pages={pages} pageInfo={data?.notifications.pageInfo} />
    </section>
  );
}
