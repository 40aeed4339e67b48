import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import WebhooksPage from "../notifications/WebhooksPage";
import { ApiKeys } from "./AccountPage";

// What the API shows once (a new key, a webhook's signing secret) is shown after the creation,
// the form is emptied and the list asked again; a refusal says why and shows no secret.
const empty = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };

describe("creating what has a secret shown once", () => {
  it("shows a new API key's secret, empties the name and reloads the keys", async () => {
    const { client, calls } = fakeClient({
      ApiKeys: { data: { apiKeys: empty } },
      CreateApiKey: { data: { createApiKey: { secret: "syn_secret_1", apiKey: { id: "k1", name: "ci", prefix: "syn_" } } } },
    });
    renderWith(<ApiKeys />, client);
    await userEvent.type(screen.getByLabelText("Key name"), "ci");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByText("syn_secret_1")).toBeInTheDocument();
    expect(screen.getByLabelText("Key name")).toHaveValue("");
    expect(calls.find((c) => c.name === "CreateApiKey")?.variables).toEqual({ input: { name: "ci", expiresInDays: 0 } });
    expect(calls.filter((c) => c.name === "ApiKeys").length).toBeGreaterThan(1);
  });

  it("says why a webhook was refused, at its field, and shows no secret", async () => {
    const { client } = fakeClient({
      Webhooks: { data: { webhooks: empty } },
      CreateWebhook: apiError("url must be https", "BAD_USER_INPUT", [{ field: "url", message: "must be an https URL" }]),
    });
    renderWith(<WebhooksPage />, client);
    await userEvent.type(screen.getByLabelText("URL"), "http://example.com/hook");
    await userEvent.click(screen.getByRole("button", { name: "Add webhook" }));
    await screen.findByText(/must be an https URL/i);
    expect(screen.getByLabelText("URL")).toHaveAccessibleDescription(/must be an https URL/i);
    expect(screen.queryByText(/signing secret/)).not.toBeInTheDocument();
    expect(screen.getByLabelText("URL")).toHaveValue("http://example.com/hook");
  });
});
