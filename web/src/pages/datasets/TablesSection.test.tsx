import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import TablesSection from "./TablesSection";

function table(name: string, status: string, columns: string[], primaryKey: string | null) {
  return {
    name,
    fileName: `${name}.csv`,
    status,
    error: "",
    rowCount: status === "READY" ? 14 : 0,
    trainRowCount: 0,
    holdoutRowCount: 0,
    primaryKey,
    columns: columns.map((c) => ({ name: c, sdtype: "categorical" })),
    sequence: null,
    suggestedSequence: null,
  };
}

const flights = table("flights", "READY", ["flight_id", "carrier", "dest"], "flight_id");

/** A new object at every fetch, as the network gives: the draft must survive each. */
function tables(...rest: ReturnType<typeof table>[]) {
  return () => ({ data: { dataset: { id: "d1", tables: [flights, ...rest], foreignKeys: [], referentialProblems: [] } } });
}

afterEach(() => vi.restoreAllMocks());

describe("tables section", () => {
  it("keeps the user's unsaved keys while the tables refetch, until they cancel", async () => {
    // airlines is still ingesting: the section polls every second.
    const { client, calls } = fakeClient({ DatasetTables: tables(table("airlines", "INGESTING", ["carrier", "name"], null)) });
    renderWith(<TablesSection datasetId="d1" editable />, client);
    const key = await screen.findByRole("combobox", { name: "Primary key of flights" });
    expect(key).toHaveValue("flight_id");

    fireEvent.change(key, { target: { value: "carrier" } });
    const fetched = calls.filter((c) => c.name === "DatasetTables").length;
    await waitFor(() => expect(calls.filter((c) => c.name === "DatasetTables").length).toBeGreaterThan(fetched), { timeout: 3000 });

    expect(screen.getByRole("combobox", { name: "Primary key of flights" })).toHaveValue("carrier");
    expect(screen.getByText("Unsaved changes.")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Cancel changes" }));
    expect(screen.getByRole("combobox", { name: "Primary key of flights" })).toHaveValue("flight_id");
    expect(screen.queryByText("Unsaved changes.")).not.toBeInTheDocument();
  });

  it("removes an added table only once the user confirms, and never offers the first", async () => {
    const airlines = table("airlines", "READY", ["carrier", "name"], "carrier");
    const { client, calls } = fakeClient({
      DatasetTables: tables(airlines),
      RemoveDatasetTable: { data: { removeDatasetTable: tables()().data.dataset } },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    renderWith(<TablesSection datasetId="d1" editable />, client);
    const remove = await screen.findByRole("button", { name: "Remove table airlines" });
    expect(screen.queryByRole("button", { name: "Remove table flights" })).not.toBeInTheDocument();

    fireEvent.click(remove);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(calls.some((c) => c.name === "RemoveDatasetTable")).toBe(false);

    fireEvent.click(remove);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Remove table airlines" })).not.toBeInTheDocument());
    expect(calls.filter((c) => c.name === "RemoveDatasetTable").map((c) => c.variables)).toEqual([{ datasetId: "d1", tableName: "airlines" }]);
    expect(screen.queryByRole("cell", { name: "airlines" })).not.toBeInTheDocument();
  });

  it("offers viewers no remove button", async () => {
    const { client } = fakeClient({ DatasetTables: tables(table("airlines", "READY", ["carrier"], "carrier")) });
    renderWith(<TablesSection datasetId="d1" editable={false} />, client);
    expect(await screen.findByText("airlines")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Remove table/ })).not.toBeInTheDocument();
  });
});
