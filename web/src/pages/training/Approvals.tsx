import { useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Alert, formatDate } from "../../components/ui";
import { ApproveJobDocument, OwnedProjectsDocument, PendingJobsDocument, RejectJobDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

/** Requests waiting for approval in the projects you own (those that require approval),
 * each with Approve and Reject. Nothing when there are none. */
export function PendingApprovals() {
  const [{ data }] = useQuery({ query: OwnedProjectsDocument, requestPolicy: "network-only" });
  const owned = (data?.projects.nodes ?? []).filter((p) => p.myRole === "OWNER");
  return (
    <>
      {owned.map((project) => (
        <ProjectRequests key={project.id} projectId={project.id} name={project.name} />
      ))}
    </>
  );
}

function ProjectRequests({ projectId, name }: { projectId: string; name: string }) {
  const [{ data, error }, refetch] = useQuery({ query: PendingJobsDocument, variables: { projectId }, requestPolicy: "network-only" });
  const jobs = data?.jobs.nodes ?? [];
  if (error) return <Alert error={toApiError(error)} />;
  if (!jobs.length) return null;
  const heading = `approvals-${projectId}`;
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>Waiting for your approval in {name}</h2>
      <div className="table-scroll">
        <table>
          <caption>Requests waiting for approval in {name}</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Kind</th>
              <th scope="col">Requested</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id}>
                <td>
                  <Link to={`/jobs/${job.id}`}>Job {job.id}</Link>
                </td>
                <td>{job.kind?.toLowerCase()}</td>
                <td>{formatDate(job.createdAt)}</td>
                <td>
                  <Decision jobId={job.id} onDone={() => refetch({ requestPolicy: "network-only" })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Decision({ jobId, onDone }: { jobId: string; onDone: () => void }) {
  const [comment, setComment] = useState("");
  const [approved, approve] = useMutation(ApproveJobDocument);
  const [rejected, reject] = useMutation(RejectJobDocument);
  const busy = approved.fetching || rejected.fetching;

  async function decide(approving: boolean) {
    const done = approving ? await approve({ jobId, comment }) : await reject({ jobId, comment });
    if (done.data) onDone();
  }

  const field = `comment-${jobId}`;
  return (
    <div className="inline-form">
      <label htmlFor={field}>Comment for job {jobId}</label>
      <input id={field} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
      <button type="button" className="primary" disabled={busy} onClick={() => void decide(true)}>
        Approve
      </button>
      <button type="button" className="danger" disabled={busy || !comment.trim()} onClick={() => void decide(false)}>
        Reject
      </button>
      {approved.error ? <Alert error={toApiError(approved.error)} /> : null}
      {rejected.error ? <Alert error={toApiError(rejected.error)} /> : null}
    </div>
  );
}
