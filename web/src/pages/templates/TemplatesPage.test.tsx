import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import TemplatesPage from "./TemplatesPage";

const finance = {
  id: "finance_transactions",
  name: "finance_transactions",
  description: "Accounts and card transactions",
  builtin: true,
  projectId: null,
  schema: {},
  options: { transactions_per_account: 20, fraud_rate: 0.01 },
};

describe("templates", () => {
  it("lists a built-in template's options as name and value, which wrap on a phone (not one line of JSON)", async () => {
    const { client } = fakeClient({ Templates: { data: { templates: { nodes: [finance], pageInfo: { hasNextPage: false, endCursor: null } } } } });
    renderWith(<TemplatesPage />, client);
    await userEvent.click(await screen.findByRole("button", { name: "Built-in: finance_transactions" }));
    expect(screen.getByText(/^Options with their defaults/)).toHaveTextContent("Options with their defaults: transactions_per_account 20, fraud_rate 0.01");
  });
});
