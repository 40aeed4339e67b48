import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import { Storage } from "./AccountPage";

const GiB = 1024 ** 3;

describe("the account's storage line", () => {
  it("shows the bytes used against the quota, with a meter", async () => {
    const { client } = fakeClient({ StorageUsage: { data: { storageUsage: { usedBytes: 1.5 * GiB, quotaBytes: 20 * GiB } } } });
    renderWith(<Storage />, client);
    const group = await screen.findByRole("group", { name: "Storage" });
    expect(group).toHaveTextContent("Storage: 1.5 GB of 20.0 GB used");
    expect(screen.getByRole("meter", { name: "Storage used" })).toHaveAttribute("value", String(1.5 * GiB));
  });

  it("says when there is no quota, without a meter", async () => {
    const { client } = fakeClient({ StorageUsage: { data: { storageUsage: { usedBytes: 2048, quotaBytes: null } } } });
    renderWith(<Storage />, client);
    expect(await screen.findByRole("group", { name: "Storage" })).toHaveTextContent("Storage: 2.0 KB used (no quota)");
    expect(screen.queryByRole("meter")).not.toBeInTheDocument();
  });
});
