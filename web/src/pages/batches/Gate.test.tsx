import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import { GateNotice, held } from "./Gate";

const blocked = {
  state: "BLOCKED",
  message: "the project's privacy gate blocks this batch: its privacy verdict is FAIL; a project owner may release it, giving a reason",
  reason: "",
  releasedBy: null,
  releasedAt: null,
  canRelease: true,
} as const;

describe("the privacy gate on the batch page", () => {
  it("tells why the batch is held, and an owner releases it with a reason", async () => {
    const released = { ...blocked, state: "RELEASED", reason: "reviewed with the DPO", releasedBy: "u1", releasedAt: "2026-12-02T12:00:00Z", canRelease: false };
    const { client, calls } = fakeClient({ ReleaseBatch: { data: { releaseBatch: { id: "b1", gate: released } } } });
    const onReleased = vi.fn();
    renderWith(<GateNotice batchId="b1" gate={blocked} onReleased={onReleased} />, client);

    expect(screen.getByRole("alert")).toHaveTextContent("privacy verdict is FAIL");
    const button = screen.getByRole("button", { name: "Release batch" });
    expect(button).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Reason/), "reviewed with the DPO");
    await userEvent.click(button);
    expect(calls.filter((c) => c.name === "ReleaseBatch").map((c) => c.variables)).toEqual([{ batchId: "b1", reason: "reviewed with the DPO" }]);
    expect(onReleased).toHaveBeenCalledTimes(1);
  });

  it("shows a member who may not release only the message", () => {
    const { client } = fakeClient({});
    renderWith(<GateNotice batchId="b1" gate={{ ...blocked, canRelease: false }} onReleased={() => {}} />, client);
    expect(screen.getByRole("alert")).toHaveTextContent("privacy verdict is FAIL");
    expect(screen.queryByRole("button", { name: "Release batch" })).not.toBeInTheDocument();
  });

  it("says who released a batch and why, and holds only blocked or unevaluated batches", () => {
    const { client } = fakeClient({});
    const released = { ...blocked, state: "RELEASED", reason: "ticket 42", releasedBy: "u1", releasedAt: "2026-12-02T12:00:00Z", canRelease: false } as const;
    renderWith(<GateNotice batchId="b1" gate={released} onReleased={() => {}} />, client);
    expect(screen.getByRole("heading", { name: "Released past the privacy gate" }).parentElement).toHaveTextContent("ticket 42");
    expect([held(blocked), held({ ...blocked, state: "AWAITING_VERDICT" }), held(released), held({ ...blocked, state: "OPEN" }), held(null)]).toEqual([true, true, false, false, false]);
  });
});
