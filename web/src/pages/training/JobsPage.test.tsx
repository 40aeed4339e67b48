import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import JobsPage from "./JobsPage";

const job = (id: string, kind: string, model: { name: string; engine: string } | null, dataset: string | null, name: string | null = null) => ({
  id,
  kind,
  name,
  status: "SUCCEEDED",
  createdAt: "2026-12-03T10:00:00Z",
  progress: { percent: 100 },
  model: model && { id: `m-${id}`, ...model },
  dataset: dataset && { id: `d-${id}`, name: dataset },
});

describe("jobs list", () => {
  it("tells jobs apart by their model's or template's name, engine and dataset, not by ids", async () => {
    const nodes = [
      job("7f3a1c2e-0000-4000-8000-000000000001", "TRAIN", { name: "ctgan on adult", engine: "ctgan" }, "adult"),
      job("7f3a1c2e-0000-4000-8000-000000000002", "GENERATE", { name: "copula on cars", engine: "gaussian_copula" }, "cars"),
      job("9b1d5e77-0000-4000-8000-000000000003", "TEMPLATE", null, null, "user"),
      job("9b1d5e77-0000-4000-8000-000000000004", "TEMPLATE", null, null, "Shop orders"),
      job("9b1d5e77-0000-4000-8000-000000000005", "TEMPLATE", null, null, "custom schema"),
      job("9b1d5e77-0000-4000-8000-000000000006", "TEMPLATE", null, null),
    ];
    const { client } = fakeClient({
      Jobs: { data: { jobs: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } } },
      OwnedProjects: { data: { projects: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } },
    });
    renderWith(<JobsPage />, client);
    const table = await screen.findByRole("table", { name: "Jobs" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getAllByRole("cell").map((c) => c.textContent).slice(0, 5))).toEqual([
      ["ctgan on adult", "train", "ctgan", "adult", "succeeded"],
      ["copula on cars", "generate", "gaussian_copula", "cars", "succeeded"],
      ["user", "template", "—", "—", "succeeded"],
      ["Shop orders", "template", "—", "—", "succeeded"],
      ["custom schema", "template", "—", "—", "succeeded"],
      ["Template data 9b1d5e77", "template", "—", "—", "succeeded"],
    ]);
    expect(within(rows[0]!).getByRole("link", { name: "ctgan on adult" })).toHaveAttribute("href", "/jobs/7f3a1c2e-0000-4000-8000-000000000001");
    expect(within(rows[1]!).getByRole("link", { name: "cars" })).toHaveAttribute("href", "/datasets/d-7f3a1c2e-0000-4000-8000-000000000002");
  });
});
