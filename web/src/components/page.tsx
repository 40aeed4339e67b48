// The pieces every detail page is made of: what it shows until its query answers, its facts,
// its titled sections, the confirmation before a deletion, and looking again while work runs.
import { useEffect, useId, useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import type { CombinedError, OperationContext } from "urql";
import { toApiError } from "../lib/errors";
import { Alert, Loading } from "./ui";

/** What a page shows instead of its data: the query's error, loading (first load only), or
 * nothing. Pages return it while `error || !data`. */
export function NotLoaded({ result: { fetching, error }, what }: { result: { fetching: boolean; error?: CombinedError }; what: string }) {
  if (error) {
    const failure = toApiError(error);
    // An id in the address that is no id at all (a link cut short, a typo): said in the
    // reader's terms, not as the API's "dataset_id is not a valid id".
    if (failure.code === "BAD_USER_INPUT" && /is not a valid id/i.test(failure.message)) {
      return (
        <p role="alert" className="alert">
          This address does not lead to {what}: the id in it is not valid. Check the link, or start from{" "}
          <Link to="/projects">your projects</Link>.
        </p>
      );
    }
    return <Alert error={failure} />;
  }
  return fetching ? <Loading what={what} /> : null;
}

/** Looks again every second while `active` (ingestion or generation running in the background);
 * `now` looks once at once too. */
export function useRefetchWhile(active: boolean, refetch: (opts?: Partial<OperationContext>) => void, now = false) {
  useEffect(() => {
    if (!active) return;
    if (now) refetch({ requestPolicy: "network-only" });
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), 1000);
    return () => clearInterval(timer);
  }, [active, refetch, now]);
}

/** Term and value pairs under a page's title; a pair whose value is `false` is left out. */
export function Facts({ facts }: { facts: readonly (readonly [string, ReactNode] | false)[] }) {
  return (
    <dl className="facts">
      {facts.map((fact) =>
        fact ? (
          <FactPair key={fact[0]} term={fact[0]}>
            {fact[1]}
          </FactPair>
        ) : null,
      )}
    </dl>
  );
}

function FactPair({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** A part of a page under its own heading, which names it for assistive technology. */
export function Section({ title, children }: { title: ReactNode; children: ReactNode }) {
  const heading = useId();
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{title}</h2>
      {children}
    </section>
  );
}

/** A danger button that asks first: `question` with "Yes, delete it" and "Keep it"; `onConfirm`
 * deletes, and its error shows under the buttons. */
export function ConfirmDelete({
  label,
  question,
  onConfirm,
  error,
}: {
  label: string;
  question: ReactNode;
  onConfirm: () => void;
  error?: CombinedError;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="card" role="group" aria-label="Confirm deletion">
      <p>{question}</p>
      <button type="button" className="danger" onClick={onConfirm}>
        Yes, delete it
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep it
      </button>
      {error ? <Alert error={toApiError(error)} /> : null}
    </div>
  );
}
