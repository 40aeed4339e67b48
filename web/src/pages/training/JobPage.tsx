import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery, useSubscription } from "urql";
import { Alert, Loading, ProgressBar, StatusBadge, formatDate } from "../../components/ui";
import { CancelJobDocument, JobDocument, JobModelLossDocument, JobUpdatesDocument, type JobUpdatesSubscription } from "../../gql/graphql";
import { capitalize, toApiError } from "../../lib/errors";
import { canEdit } from "../../lib/roles";

const LossCurve = lazy(() => import("./LossCurve"));
const FINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

type Update = JobUpdatesSubscription["jobUpdates"];

export function formatEta(seconds?: number | null): string {
  if (seconds == null) return "–";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

/** The job's live state: the subscription's updates, and the loss of each epoch as it ends. */
export function useJobUpdates(jobId: string) {
  const [latest, setLatest] = useState<Update | null>(null);
  const [losses, setLosses] = useState<[number, number][]>([]);
  useSubscription({ query: JobUpdatesDocument, variables: { jobId } }, (_prev, response) => {
    const update = response.jobUpdates;
    setLatest(update);
    if (update.loss != null && update.epoch > 0) {
      setLosses((points) => (points.some(([e]) => e === update.epoch) ? points : [...points, [update.epoch, update.loss!]]));
    }
    return response;
  });
  useEffect(() => {
    // After React committed the update to the page; read by bench/bench_web.py.
    if (latest) performance.mark(`job-update:${latest.percent}`);
  }, [latest]);
  return { latest, losses };
}

export default function JobPage() {
  const { jobId = "" } = useParams();
  const [{ data, error }, refetch] = useQuery({ query: JobDocument, variables: { id: jobId }, requestPolicy: "network-only" });
  const { latest, losses } = useJobUpdates(jobId);
  const [cancelled, cancel] = useMutation(CancelJobDocument);
  const job = data?.job;
  const status = latest?.status ?? job?.status ?? "QUEUED";
  const percent = latest?.percent ?? job?.progress.percent ?? 0;
  const epoch = latest?.epoch ?? job?.progress.epoch ?? 0;
  const total = latest?.totalEpochs ?? job?.progress.totalEpochs ?? 0;
  const eta = latest ? latest.etaSeconds : job?.progress.etaSeconds;
  const message = latest?.message ?? job?.progress.message ?? "";
  const failure = latest?.error || job?.error;
  const modelId = latest?.modelId ?? job?.modelId;
  const batchId = latest?.batchId ?? job?.batchId;
  const final = FINAL.has(status);
  useEffect(() => {
    if (final) refetch({ requestPolicy: "network-only" });
  }, [final, refetch]);
  // Opened while the job was queued: its start time comes with the job, not with the updates.
  const startedAt = job?.startedAt;
  const running = status === "RUNNING";
  const loaded = job !== undefined;
  useEffect(() => {
    if (running && loaded && !startedAt) refetch({ requestPolicy: "network-only" });
  }, [running, loaded, startedAt, refetch]);
  // Live, the chart has the epochs whose updates reached the page (updates are throttled, so
  // fast epochs are missing); once the model is trained, its stored curve has every epoch.
  const trained = status === "SUCCEEDED" && job?.kind === "TRAIN" && !!modelId;
  const [{ data: trainedModel }] = useQuery({ query: JobModelLossDocument, variables: { id: modelId ?? "" }, pause: !trained });
  const stored = (trainedModel?.model.metrics as { loss_curve?: [number, number][] } | undefined)?.loss_curve;
  const points = useMemo(() => (stored && stored.length > 0 ? stored : losses), [stored, losses]);
  // A training job's loss chart is drawn as the page opens, empty until the first epoch ends.
  // Drawn on the first loss instead, that first ECharts draw (cold code: ~0.5 s of main thread,
  // far more on a loaded machine) held up the next updates for up to a second (bench/bench_web.py).
  // A finished job that reported no loss (engines without epochs) shows none.
  const lossChart = job?.kind === "TRAIN" && (!final || points.length > 0);

  return (
    <section>
      {job?.project ? (
        <p className="crumbs">
          <Link to={`/projects/${job.project.id}`}>{job.project.name}</Link> / Job
        </p>
      ) : null}
      <h1>{job ? `${job.kind === "TRAIN" ? "Training" : job.kind === "GENERATE" ? "Generation" : "Template"} job` : "Job"}</h1>
      {error && !latest ? <Alert error={toApiError(error)} /> : null}
      {!job && !latest && !error ? <Loading what="the job" /> : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={status} />
        </dd>
        <dt>Epoch</dt>
        <dd>{total > 0 ? `${epoch} / ${total}` : "–"}</dd>
        <dt>Time left</dt>
        <dd>{final ? "–" : formatEta(eta)}</dd>
        {job ? (
          <>
            <dt>Started</dt>
            <dd>{formatDate(job.startedAt)}</dd>
          </>
        ) : null}
      </dl>
      <ProgressBar value={percent} label="Job progress" />
      <p role="status" aria-live="polite">
        {status === "SUCCEEDED" ? "Finished." : status === "CANCELLED" ? "Cancelled." : status === "FAILED" ? "Failed." : message || "Waiting for a worker…"}
      </p>
      {failure ? (
        <p role="alert" className="alert">
          {capitalize(failure)}
        </p>
      ) : null}
      {!final && canEdit(job?.project?.myRole) ? (
        <button type="button" className="danger" onClick={() => void cancel({ id: jobId })} disabled={cancelled.fetching}>
          Cancel job
        </button>
      ) : null}
      {cancelled.error ? <Alert error={toApiError(cancelled.error)} /> : null}
      {lossChart ? (
        <Suspense fallback={<Loading what="the loss curve" />}>
          <LossCurve points={points} />
        </Suspense>
      ) : null}
      {status === "SUCCEEDED" && job?.kind === "TRAIN" && modelId ? (
        <p>
          <Link className="button primary" to={`/models/${modelId}`}>
            Open the model
          </Link>
        </p>
      ) : null}
      {batchId ? (
        <p>
          <Link to={`/batches/${batchId}`}>Open the batch</Link>
        </p>
      ) : null}
    </section>
  );
}
