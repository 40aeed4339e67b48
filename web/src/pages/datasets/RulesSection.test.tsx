import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import RulesSection, { parseBound } from "./RulesSection";

const COLUMNS = ["age", "education", "education-num", "capital-gain", "hours-per-week"];
const none = { column: null, number: null, datetime: null };
const RULES = [
  {
    kind: "RANGE",
    column: "age",
    columns: [],
    low: { ...none, number: 17 },
    high: { ...none, number: 90 },
    strict: false,
    description: "17 ≤ age ≤ 90",
    realViolationCount: 0,
  },
  {
    kind: "RANGE",
    column: "hours-per-week",
    columns: [],
    low: { ...none, column: "age" },
    high: null,
    strict: false,
    description: "age ≤ hours-per-week",
    realViolationCount: 12913,
  },
];
const listed = (rules: unknown[]) => ({ data: { dataset: { id: "d1", rules } } });
const saved = (rules: unknown[]) => ({ data: { updateDatasetRules: { id: "d1", rules } } });

describe("rules section", () => {
  it("lists each rule with the real rows that break it", async () => {
    const { client } = fakeClient({ DatasetRulesList: listed(RULES) });
    renderWith(<RulesSection datasetId="d1" columns={COLUMNS} editable />, client);
    expect(await screen.findByRole("heading", { name: "Rules" })).toBeInTheDocument();
    const items = within(screen.getByRole("list", { name: "Rules" })).getAllByRole("listitem");
    expect(items.map((i) => i.textContent)).toEqual([
      "17 ≤ age ≤ 90 — every real row obeys itRemove rule",
      "age ≤ hours-per-week — 12,913 real rows break it: is the rule right?Remove rule",
    ]);
  });

  it("removes a rule by saving the others as they were", async () => {
    const { client, calls } = fakeClient({ DatasetRulesList: listed(RULES), UpdateDatasetRules: saved([RULES[1]]) });
    renderWith(<RulesSection datasetId="d1" columns={COLUMNS} editable />, client);
    const first = (await screen.findAllByRole("listitem"))[0]!;
    await userEvent.click(within(first).getByRole("button", { name: "Remove rule" }));
    expect(calls.find((c) => c.name === "UpdateDatasetRules")?.variables).toEqual({
      datasetId: "d1",
      rules: [{ kind: "RANGE", column: "hours-per-week", columns: [], low: { column: "age" }, high: null, strict: false }],
    });
    expect(await screen.findAllByRole("listitem")).toHaveLength(1);
    expect(screen.queryByText("17 ≤ age ≤ 90")).not.toBeInTheDocument();
  });

  it("adds a range rule and a fixed combination after the existing ones", async () => {
    const { client, calls } = fakeClient({ DatasetRulesList: listed([RULES[0]]), UpdateDatasetRules: saved(RULES) });
    renderWith(<RulesSection datasetId="d1" columns={COLUMNS} editable />, client);
    await screen.findByText("17 ≤ age ≤ 90");
    await userEvent.selectOptions(screen.getByLabelText("Column"), "capital-gain");
    await userEvent.type(screen.getByLabelText("Low"), "0");
    await userEvent.click(screen.getByRole("button", { name: "Add rule" }));
    const added = calls.filter((c) => c.name === "UpdateDatasetRules").map((c) => (c.variables.rules as unknown[]).at(-1));
    expect(added).toEqual([{ kind: "RANGE", strict: false, column: "capital-gain", low: { number: 0 }, high: null }]);

    await userEvent.selectOptions(screen.getByLabelText("Rule kind"), "FIXED_COMBINATIONS");
    await userEvent.selectOptions(screen.getByLabelText("Columns"), ["education", "education-num"]);
    await userEvent.click(screen.getByRole("button", { name: "Add rule" }));
    const last = calls.filter((c) => c.name === "UpdateDatasetRules").at(-1)!.variables.rules as unknown[];
    expect(last.at(-1)).toEqual({ kind: "FIXED_COMBINATIONS", strict: false, columns: ["education", "education-num"] });
  });

  it("says what the server refused", async () => {
    const { client } = fakeClient({
      DatasetRulesList: listed([]),
      UpdateDatasetRules: apiError("'education' is not a numeric column", "BAD_USER_INPUT", [
        { field: "rules[0].column", message: "'education' is not a numeric column" },
      ]),
    });
    renderWith(<RulesSection datasetId="d1" columns={COLUMNS} editable />, client);
    await screen.findByText(/No rules/);
    await userEvent.selectOptions(screen.getByLabelText("Rule kind"), "POSITIVE");
    await userEvent.selectOptions(screen.getByLabelText("Column"), "education");
    await userEvent.click(screen.getByRole("button", { name: "Add rule" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("'education' is not a numeric column");
  });

  it("shows a viewer the rules without controls", async () => {
    const { client } = fakeClient({ DatasetRulesList: listed(RULES) });
    renderWith(<RulesSection datasetId="d1" columns={COLUMNS} editable={false} />, client);
    expect(await screen.findByText("17 ≤ age ≤ 90")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Remove rule" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add rule" })).not.toBeInTheDocument();
  });

  it("reads a bound as a column, a number or a date", () => {
    expect(parseBound("age", COLUMNS)).toEqual({ column: "age" });
    expect(parseBound(" 2.5 ", COLUMNS)).toEqual({ number: 2.5 });
    expect(parseBound("1990-01-31", COLUMNS)).toEqual({ datetime: "1990-01-31" });
    expect(parseBound("", COLUMNS)).toBeNull();
  });
});
