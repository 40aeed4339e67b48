import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import DatasetPage from "./DatasetPage";

function dataset(overrides: Record<string, unknown>) {
  return {
    data: {
      dataset: {
        id: "d1",
        projectId: "p1",
        name: "notes",
        fileName: "notes.png",
        status: "FAILED",
        error: "the file cannot be parsed as CSV",
        errorCode: "UNREADABLE",
        rowCount: 0,
        trainRowCount: 0,
        holdoutRowCount: 0,
        sizeBytes: 17,
        primaryKey: null,
        warnings: [],
        createdAt: "2026-12-01T10:00:00Z",
        detected: { format: "", delimiter: null, encoding: null, hasHeader: null },
        columns: [],
        project: { id: "p1", name: "Census", myRole: "EDITOR" },
        ...overrides,
      },
    },
  };
}

describe("dataset page", () => {
  it("shows a file that could not be read without made-up counts or empty details, and what to do next", async () => {
    const { client } = fakeClient({ Dataset: dataset({}) });
    renderWith(<DatasetPage />, client, "/datasets/d1", "/datasets/:datasetId");
    expect(await screen.findByRole("heading", { name: "notes" })).toBeInTheDocument();
    expect(screen.getByText("notes.png (17 B)")).toBeInTheDocument();
    expect(screen.getByText("Rows").nextElementSibling).toHaveTextContent(/^–$/);
    expect(screen.getByRole("alert")).toHaveTextContent("The file could not be read: the file cannot be parsed as CSV.");
    expect(screen.getByRole("link", { name: "upload it again" })).toHaveAttribute("href", "/projects/p1/upload");
  });

  it("does not offer a viewer to upload again", async () => {
    const { client } = fakeClient({ Dataset: dataset({ project: { id: "p1", name: "Census", myRole: "VIEWER" } }) });
    renderWith(<DatasetPage />, client, "/datasets/d1", "/datasets/:datasetId");
    expect(await screen.findByRole("alert")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "upload it again" })).not.toBeInTheDocument();
  });
});
