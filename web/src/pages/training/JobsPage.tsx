import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { PagedTable } from "../../components/lists";
import { StatusBadge, formatDate, usePages } from "../../components/ui";
import { JobsDocument, type JobsQuery } from "../../gql/graphql";
import { PendingApprovals } from "./Approvals";

type ListedJob = NonNullable<JobsQuery["jobs"]>["nodes"][number];

/** What tells jobs apart: the model's name, or a template job's template ("user", a saved
 * template's name, "custom schema"); failing both, its kind and short id. */
function jobTitle(j: ListedJob): string {
  if (j.model) return j.model.name;
  if (j.name) return j.name;
  return j.kind === "TEMPLATE" ? `Template data ${j.id.slice(0, 8)}` : `Job ${j.id.slice(0, 8)}`;
}

export default function JobsPage() {
  const pages = usePages();
  const [result] = useQuery({ query: JobsDocument, variables: { after: pages.after } });
  return (
    <section>
      <h1>Your jobs</h1>
      <PendingApprovals />
      <PagedTable what="jobs" caption="Jobs" result={result} connection={result.data?.jobs} pages={pages} empty="No jobs yet: train a model or generate data to see them here."
        columns={[
          { header: "Job", cell: (j) => <Link to={`/jobs/${j.id}`}>{jobTitle(j)}</Link> },
          { header: "Kind", cell: (j) => j.kind?.toLowerCase() },
          { header: "Engine", cell: (j) => j.model?.engine ?? "—" },
          { header: "Dataset", cell: (j) => (j.dataset ? <Link to={`/datasets/${j.dataset.id}`}>{j.dataset.name}</Link> : "—") },
          { header: "Status", cell: (j) => <StatusBadge status={j.status} /> },
          { header: "Progress", cell: (j) => `${Math.round(j.progress.percent)} %` },
          { header: "Created", cell: (j) => formatDate(j.createdAt) },
        ]}
      />
    </section>
  );
}
