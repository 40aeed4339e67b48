import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import { ColumnsEditor } from "./DatasetPage";

const dataset = {
  id: "9",
  columns: [
    { name: "age", dataType: "int64", sdtype: "numerical", pii: false, datetimeFormat: null },
    { name: "joined", dataType: "string", sdtype: "categorical", pii: false, datetimeFormat: null },
  ],
};

describe("columns editor", () => {
  it("shows an error at the column it names", async () => {
    const { client, calls } = fakeClient({
      UpdateDatasetMetadata: apiError("column 'joined': values do not parse as dates", "BAD_USER_INPUT", [
        { field: "metadata.columns.joined", message: "column 'joined': values do not parse as dates" },
      ]),
    });
    renderWith(<ColumnsEditor dataset={dataset} editable />, client);
    await userEvent.selectOptions(screen.getByLabelText("Type of joined"), "datetime");
    await userEvent.click(screen.getByRole("button", { name: "Save column types" }));
    const joined = screen.getByLabelText("Type of joined");
    expect(await screen.findByText("column 'joined': values do not parse as dates")).toBeInTheDocument();
    expect(joined).toHaveAttribute("aria-invalid", "true");
    expect(joined).toHaveAccessibleDescription("column 'joined': values do not parse as dates");
    expect(screen.getByLabelText("Type of age")).not.toHaveAttribute("aria-invalid");
    expect(calls.find((c) => c.name === "UpdateDatasetMetadata")?.variables.columns).toEqual([{ name: "joined", sdtype: "datetime", pii: false }]);
  });

  it("offers no controls to a viewer", () => {
    const { client } = fakeClient({});
    renderWith(<ColumnsEditor dataset={dataset} editable={false} />, client);
    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save column types" })).not.toBeInTheDocument();
    expect(within(screen.getByRole("table")).getByText("numerical")).toBeInTheDocument();
  });
});
