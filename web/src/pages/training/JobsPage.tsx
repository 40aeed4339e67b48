import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { PagedTable } from "../../components/lists";
import { StatusBadge, formatDate, usePages } from "../../components/ui";
import { JobsDocument } from "../../gql/graphql";
import { PendingApprovals } from "./Approvals";

export default function JobsPage() {
  const pages = usePages();
  const [result] = useQuery({ query: JobsDocument, variables: { after: pages.after } });
  return (
    <section>
      <h1>Your jobs</h1>
      <PendingApprovals />
      <PagedTable what="jobs" caption="Jobs" result={result} connection={result.data?.jobs} pages={pages} empty="No jobs yet: train a model or generate data to see them here."
        columns={[
          { header: "Job", cell: (j) => <Link to={`/jobs/${j.id}`}>Job {j.id}</Link> },
          { header: "Kind", cell: (j) => j.kind?.toLowerCase() },
          { header: "Status", cell: (j) => <StatusBadge status={j.status} /> },
          { header: "Progress", cell: (j) => `${Math.round(j.progress.percent)} %` },
          { header: "Created", cell: (j) => formatDate(j.createdAt) },
        ]}
      />
    </section>
  );
}
