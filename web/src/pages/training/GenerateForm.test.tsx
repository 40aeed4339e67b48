import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import { GenerateForm } from "./ModelPage";

describe("generate form", () => {
  it("checks rows, conditions and the anomaly ratio before sending", async () => {
    const { client, calls } = fakeClient({});
    renderWith(<GenerateForm modelId="3" columns={["age", "sex"]} />, client);
    const rows = screen.getByLabelText("Rows");
    await userEvent.clear(rows);
    await userEvent.type(rows, "-5");
    await userEvent.type(screen.getByLabelText("Conditions (optional JSON)"), "sex=Female");
    await userEvent.type(screen.getByLabelText("Anomalies ratio (optional, 0 to 1)"), "2");
    await userEvent.click(screen.getByRole("button", { name: "Generate" }));
    expect(rows).toHaveAccessibleDescription("Enter a whole number of rows above 0.");
    expect(screen.getByText(/Write a JSON object of column: value/)).toBeInTheDocument();
    expect(screen.getByText("Enter a share between 0 and 1.")).toBeInTheDocument();
    expect(calls.filter((c) => c.name === "Generate")).toHaveLength(0);
  });

  it("shows a condition the API refuses next to the conditions", async () => {
    const { client, calls } = fakeClient({
      Generate: apiError("sex never takes the value 'Other' in the training data", "BAD_USER_INPUT", [
        { field: "conditions.sex", message: "sex never takes the value 'Other' in the training data" },
      ]),
    });
    renderWith(<GenerateForm modelId="3" columns={["age", "sex"]} />, client);
    await userEvent.type(screen.getByLabelText("Conditions (optional JSON)"), '{{"sex": "Other"}');
    await userEvent.click(screen.getByRole("button", { name: "Generate" }));
    expect(await screen.findByText("sex never takes the value 'Other' in the training data")).toBeInTheDocument();
    expect(screen.getByLabelText("Conditions (optional JSON)")).toHaveAttribute("aria-invalid", "true");
    const sent = calls.find((c) => c.name === "Generate")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ modelId: "3", count: 1000, conditions: { sex: "Other" }, format: "CSV" });
  });
});
