import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import { PendingApprovals } from "./Approvals";

const projects = {
  data: {
    projects: {
      nodes: [
        { id: "p1", name: "Census", myRole: "OWNER", approvalRequired: true },
        { id: "p2", name: "Shared", myRole: "EDITOR", approvalRequired: true },
      ],
    },
  },
};
const pending = { id: "j1", kind: "GENERATE", status: "PENDING_APPROVAL", ownerId: "u2", createdAt: "2026-12-02T12:00:00Z" };

describe("requests waiting for approval on the jobs page", () => {
  it("lists an owner's pending requests with Approve and Reject (a rejection needs a comment)", async () => {
    const { client, calls } = fakeClient({
      OwnedProjects: projects,
      PendingJobs: { data: { jobs: { nodes: [pending] } } },
      ApproveJob: { data: { approveJob: { id: "j1", status: "QUEUED" } } },
      RejectJob: { data: { rejectJob: { id: "j1", status: "CANCELLED" } } },
    });
    renderWith(<PendingApprovals />, client);

    const table = await screen.findByRole("table", { name: "Requests waiting for approval in Census" });
    // Only the projects the user owns are asked about.
    expect(calls.filter((c) => c.name === "PendingJobs").map((c) => c.variables)).toEqual([{ projectId: "p1" }]);
    const row = within(table).getByRole("row", { name: /Job j1/ });
    const reject = within(row).getByRole("button", { name: "Reject" });
    expect(reject).toBeDisabled();
    await userEvent.type(within(row).getByLabelText("Comment for job j1"), "use the 2024 data");
    await userEvent.click(reject);
    expect(calls.filter((c) => c.name === "RejectJob").map((c) => c.variables)).toEqual([{ jobId: "j1", comment: "use the 2024 data" }]);
    await userEvent.click(within(row).getByRole("button", { name: "Approve" }));
    expect(calls.filter((c) => c.name === "ApproveJob").map((c) => c.variables)).toEqual([{ jobId: "j1", comment: "use the 2024 data" }]);
  });

  it("shows nothing when no request waits", async () => {
    const { client, calls } = fakeClient({ OwnedProjects: projects, PendingJobs: { data: { jobs: { nodes: [] } } } });
    renderWith(<PendingApprovals />, client);
    await waitFor(() => expect(calls.some((c) => c.name === "PendingJobs")).toBe(true));
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });
});
