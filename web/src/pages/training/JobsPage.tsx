import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { Alert, Empty, Loading, Pager, StatusBadge, formatDate, usePages } from "../../components/ui";
import { JobsDocument } from "../../gql/graphql";
import { toApiError } from "../../lib/errors";

export default function JobsPage() {
  const pages = usePages();
  const [{ data, fetching, error }] = useQuery({ query: JobsDocument, variables: { after: pages.after } });
  return (
    <section>
      <h1>Your jobs</h1>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !data ? <Loading what="jobs" /> : null}
      {data?.jobs.nodes.length === 0 ? <Empty>No jobs yet: train a model or generate data to see them here.</Empty> : null}
      {data && data.jobs.nodes.length > 0 ? (
        <table>
          <caption className="visually-hidden">Jobs</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {data.jobs.nodes.map((j) => (
              <tr key={j.id}>
                <td>
                  <Link to={`/jobs/${j.id}`}>Job {j.id}</Link>
                </td>
                <td>{j.kind?.toLowerCase()}</td>
                <td>
                  <StatusBadge status={j.status} />
                </td>
                <td>{Math.round(j.progress.percent)} %</td>
                <td>{formatDate(j.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} pageInfo={data?.jobs.pageInfo} />
    </section>
  );
}
