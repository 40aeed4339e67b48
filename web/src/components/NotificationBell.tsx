import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { NewNotificationsDocument, UnreadCountDocument } from "../gql/graphql";

/** The unread count, live: fetched once, then bumped by the notifications subscription. */
export function NotificationBell() {
  const [{ data }, refetch] = useQuery({ query: UnreadCountDocument, requestPolicy: "network-only" });
  const [extra, setExtra] = useState(0);
  const [latest, setLatest] = useState("");
  useSubscription({ query: NewNotificationsDocument }, (_previous, response) => {
    setExtra((n) => n + 1);
    setLatest(response.notifications.title);
    return response;
  });
  const base = data?.unreadNotificationCount;
  useEffect(() => setExtra(0), [base]);
  useEffect(() => {
    // Reading or deleting elsewhere changes the count: look again now and then.
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), 30_000);
    return () => clearInterval(timer);
  }, [refetch]);
  const unread = (base ?? 0) + extra;
  return (
    <>
      <Link to="/notifications" className="bell" aria-label={`Notifications (${unread} unread)`}>
        <span aria-hidden="true">Notifications</span>
        <span className="bell-count" aria-hidden="true">
          {unread}
        </span>
      </Link>
      <span className="visually-hidden" role="status">
        {latest ? `New notification: ${latest}` : ""}
      </span>
    </>
  );
}
