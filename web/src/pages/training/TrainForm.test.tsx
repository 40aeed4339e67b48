import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import { datasetShape, neededCapabilities, TrainForm } from "./TrainPage";

const SINGLE = ["SINGLE_TABLE" as const];
const NO_LIMITS = { maxTables: null, maxDepth: null };
const engines = [
  {
    name: "ctgan",
    library: "sdv",
    license: "BUSL-1.1",
    description: "a GAN",
    capabilities: SINGLE,
    ...NO_LIMITS,
    parameters: [
      { name: "epochs", type: "int", default: 300, min: 1, max: 10000, description: "passes over the data" },
      { name: "batch_size", type: "int", default: 500, min: 10, max: null, description: "rows per step" },
      { name: "seed", type: "int", default: null, min: 0, max: null, description: "" },
    ],
  },
  { name: "gaussian_copula", library: "sdv", license: "BUSL-1.1", description: "fast", capabilities: SINGLE, ...NO_LIMITS, parameters: [] },
  {
    name: "hma",
    library: "sdv",
    license: "BUSL-1.1",
    description: "linked tables",
    capabilities: ["RELATIONAL" as const],
    maxTables: 5,
    maxDepth: 2,
    parameters: [],
  },
  {
    name: "tabular_argn",
    library: "mostlyai-engine",
    license: "Apache-2.0",
    description: "autoregressive",
    capabilities: ["SINGLE_TABLE" as const, "RELATIONAL" as const, "DIFFERENTIAL_PRIVACY" as const],
    ...NO_LIMITS,
    parameters: [],
  },
];

describe("train form", () => {
  it("shows each parameter with its default and range, and refuses an out-of-range value before sending", async () => {
    const { client, calls } = fakeClient({});
    renderWith(<TrainForm datasetId="7" engines={engines} />, client);
    const epochs = screen.getByLabelText("epochs");
    expect(epochs).toHaveAccessibleDescription("Passes over the data. Default 300. From 1 to 10000.");
    await userEvent.type(epochs, "0");
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    expect(epochs).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Must be at least 1.")).toBeInTheDocument();
    expect(calls.filter((c) => c.name === "TrainModel")).toHaveLength(0);
  });

  it("sends the chosen engine with its parameters, and shows the API's field error at the field", async () => {
    const { client, calls } = fakeClient({
      TrainModel: apiError("batch_size must be a multiple of 2 * pac (20)", "BAD_USER_INPUT", [
        { field: "params.batch_size", message: "must be a multiple of 2 * pac (20)" },
      ]),
    });
    renderWith(<TrainForm datasetId="7" engines={engines} />, client);
    expect(screen.getByText(/Business Source License/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("batch_size"), "15");
    await userEvent.type(screen.getByLabelText("Seed (optional)"), "42");
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    expect(await screen.findByText("Must be a multiple of 2 * pac (20).")).toBeInTheDocument();
    expect(screen.getByLabelText("batch_size")).toHaveAttribute("aria-invalid", "true");
    const sent = calls.find((c) => c.name === "TrainModel")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ datasetId: "7", engine: "ctgan", batchSize: 15, seed: 42, epochs: null });
  });

  it("offers exactly the parameters the server lists for the engine: no batch size or epochs for gaussian_copula", async () => {
    // As ListEngines describes gaussian_copula: it is trained neither in epochs nor in batches.
    const copula = {
      ...engines[1]!,
      parameters: [
        { name: "time_budget_seconds", type: "int", default: null, min: 1, max: null, description: "stop training at this budget" },
        { name: "options.default_distribution", type: "str", default: "beta", min: null, max: null, description: "marginal shape" },
      ],
    };
    const { client, calls } = fakeClient({});
    renderWith(<TrainForm datasetId="7" engines={[engines[0]!, copula]} />, client);
    expect(screen.getByLabelText("batch_size")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("radio", { name: /gaussian_copula/ }));
    expect(screen.queryByLabelText("batch_size")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("epochs")).not.toBeInTheDocument();
    expect(screen.getByLabelText("options.default_distribution")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    const sent = calls.find((c) => c.name === "TrainModel")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ engine: "gaussian_copula", epochs: null, batchSize: null });
  });

  it("switches the parameters with the engine", async () => {
    const { client } = fakeClient({});
    renderWith(<TrainForm datasetId="7" engines={engines} />, client);
    await userEvent.click(screen.getByRole("radio", { name: /gaussian_copula/ }));
    expect(screen.queryByLabelText("epochs")).not.toBeInTheDocument();
  });

  it("offers only the engines that learn a dataset of several tables, and sends the one chosen", async () => {
    const { client, calls } = fakeClient({});
    expect(neededCapabilities([{ sequence: null }, { sequence: null }])).toEqual(["RELATIONAL"]);
    const shape = datasetShape(
      [{ name: "customers" }, { name: "orders" }],
      [{ parentTable: "customers", childTable: "orders" }],
    );
    renderWith(<TrainForm datasetId="7" engines={engines} shape={shape} />, client);
    expect(screen.getByText(/This dataset holds several linked tables/)).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: /ctgan/ })).toBeDisabled();
    expect(screen.getByRole("radio", { name: /hma/ })).toBeChecked();
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    const sent = calls.find((c) => c.name === "TrainModel")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ engine: "hma" });
  });

  it("offers a privacy budget only for engines that train with differential privacy, and sends it", async () => {
    const { client, calls } = fakeClient({});
    renderWith(<TrainForm datasetId="7" engines={engines} />, client);
    expect(screen.queryByLabelText("Privacy budget ε (optional)")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("radio", { name: /tabular_argn/ }));
    const epsilon = screen.getByLabelText("Privacy budget ε (optional)");
    await userEvent.type(epsilon, "0");
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    expect(epsilon).toHaveAttribute("aria-invalid", "true");
    expect(calls.filter((c) => c.name === "TrainModel")).toHaveLength(0);
    await userEvent.clear(epsilon);
    await userEvent.type(epsilon, "5");
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    const sent = calls.find((c) => c.name === "TrainModel")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ engine: "tabular_argn", differentialPrivacy: { epsilon: 5 } });
  });

  it("sends no privacy budget when the field is left empty", async () => {
    const { client, calls } = fakeClient({});
    renderWith(<TrainForm datasetId="7" engines={engines} />, client);
    await userEvent.click(screen.getByRole("radio", { name: /tabular_argn/ }));
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    const sent = calls.find((c) => c.name === "TrainModel")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ engine: "tabular_argn", differentialPrivacy: null });
  });

  it("does not offer hma for a chain of three tables, says why, and offers tabular_argn", async () => {
    const { client, calls } = fakeClient({});
    const shape = datasetShape(
      [{ name: "airlines" }, { name: "routes" }, { name: "flights" }],
      [
        { parentTable: "routes", childTable: "flights" },
        { parentTable: "airlines", childTable: "routes" },
      ],
    );
    expect(shape).toEqual({ needs: ["RELATIONAL"], tables: 3, depth: 3 });
    renderWith(<TrainForm datasetId="7" engines={engines} shape={shape} />, client);
    const hma = screen.getByRole("radio", { name: /hma/ });
    expect(hma).toBeDisabled();
    expect(hma).toHaveAccessibleDescription(
      "Not for this dataset: it learns at most 2 tables in a parent → child chain, and this dataset links 3.",
    );
    expect(screen.getByRole("radio", { name: /ctgan/ })).toHaveAccessibleDescription(
      "Not for this dataset: it does not learn several linked tables.",
    );
    const argn = screen.getByRole("radio", { name: /tabular_argn/ });
    expect(argn).toBeChecked();
    expect(argn).not.toHaveAccessibleDescription(/Not for this dataset/);
    await userEvent.click(screen.getByRole("button", { name: "Train model" }));
    const sent = calls.find((c) => c.name === "TrainModel")?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ engine: "tabular_argn" });
  });

  it("offers hma for a parent and its children (two levels)", () => {
    const { client } = fakeClient({});
    const shape = datasetShape(
      [{ name: "airlines" }, { name: "routes" }, { name: "planes" }],
      [
        { parentTable: "airlines", childTable: "routes" },
        { parentTable: "airlines", childTable: "planes" },
      ],
    );
    expect(shape.depth).toBe(2);
    renderWith(<TrainForm datasetId="7" engines={engines} shape={shape} />, client);
    expect(screen.getByRole("radio", { name: /hma/ })).toBeEnabled();
  });
});
