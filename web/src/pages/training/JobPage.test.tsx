import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import JobPage from "./JobPage";

// The loss chart is loaded lazily (ECharts): on a busy machine that takes more than a second.
const LAZY = { timeout: 15_000 };

const job = (status: string) => ({
  data: {
    job: {
      id: "j1",
      kind: "TRAIN",
      status,
      projectId: "p1",
      modelId: "m1",
      batchId: null,
      error: "",
      attempts: 1,
      createdAt: "2026-12-03T10:00:00Z",
      startedAt: "2026-12-03T10:00:01Z",
      finishedAt: status === "SUCCEEDED" ? "2026-12-03T10:00:09Z" : null,
      progress: { percent: status === "SUCCEEDED" ? 100 : 40, epoch: 3, totalEpochs: 100, loss: 9.7, etaSeconds: null, message: "" },
      project: { id: "p1", name: "Car sales", myRole: "OWNER" },
    },
  },
});
const stored = { data: { model: { id: "m1", metrics: { loss_curve: [[1, 12.5], [2, 11.0], [3, 10.2], [4, 9.9], [5, 9.8], [6, 9.7]] } } } };

describe("a training job's loss curve", () => {
  it("shows every epoch of the trained model, not only the throttled live updates", async () => {
    const { client, calls } = fakeClient({ Job: job("SUCCEEDED"), JobModelLoss: stored });
    renderWith(<JobPage />, client, "/jobs/j1", "/jobs/:jobId");
    expect(await screen.findByRole("img", { name: "Loss per epoch: 6 epochs, last loss 9.7000" }, LAZY)).toBeInTheDocument();
    expect(calls.filter((c) => c.name === "JobModelLoss").map((c) => c.variables)).toEqual([{ id: "m1" }]);
  });

  it("draws the live updates while the job runs, without asking for the model", async () => {
    const { client, calls, push } = fakeClient({ Job: job("RUNNING"), JobModelLoss: stored });
    renderWith(<JobPage />, client, "/jobs/j1", "/jobs/:jobId");
    await screen.findByRole("img", { name: "Loss per epoch: no epoch finished yet" }, LAZY);
    const update = { jobId: "j1", status: "RUNNING", percent: 30, epoch: 3, totalEpochs: 100, loss: 10.2, etaSeconds: 5, message: "training", error: "", modelId: "m1", batchId: null };
    push("JobUpdates", { jobUpdates: update });
    expect(await screen.findByRole("img", { name: "Loss per epoch: 1 epoch, last loss 10.2000" }, LAZY)).toBeInTheDocument();
    expect(calls.some((c) => c.name === "JobModelLoss")).toBe(false);
  });
});
