import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import WebhooksPage from "../notifications/WebhooksPage";
import { ApiKeys } from "./AccountPage";

// A row's button names what it acts on for a screen reader; on screen the row already says it,
// and a long name or URL made the button wider than the table.
const pageInfo = { hasNextPage: false, endCursor: null };

describe("row buttons with a long name", () => {
  it("shows Revoke on an API key's button, its name for screen readers only", async () => {
    const name = `ci key ${"x".repeat(80)}`;
    const key = { id: "k1", name, prefix: "syn_7955", createdAt: "2026-12-01T10:00:00Z", lastUsedAt: null, revokedAt: null, expiresAt: null };
    const { client } = fakeClient({ ApiKeys: { data: { apiKeys: { nodes: [key], pageInfo } } } });
    renderWith(<ApiKeys />, client);
    const revoke = await screen.findByRole("button", { name: `Revoke ${name}` });
    expect(within(revoke).getByText(name)).toHaveClass("visually-hidden");
  });

  it("shows Delete on a webhook's button, its URL for screen readers only", async () => {
    const url = `https://hooks.example.com/${"a".repeat(120)}`;
    const hook = { id: "w1", url, events: [], active: true, createdAt: "2026-12-01T10:00:00Z" };
    const { client } = fakeClient({ Webhooks: { data: { webhooks: { nodes: [hook], pageInfo } } } });
    renderWith(<WebhooksPage />, client);
    const remove = await screen.findByRole("button", { name: `Delete webhook ${url}` });
    expect(within(remove).getByText(`webhook ${url}`)).toHaveClass("visually-hidden");
  });
});
