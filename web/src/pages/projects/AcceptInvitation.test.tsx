import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import AcceptInvitation from "./AcceptInvitation";

describe("an invitation link", () => {
  it("joins the project with the token in the link's fragment on the click, and opens it", async () => {
    const project = { id: "p9", name: "Census", myRole: "EDITOR" };
    const { client, calls } = fakeClient({ AcceptProjectInvitation: { data: { acceptProjectInvitation: project } } });
    renderWith(<AcceptInvitation />, client, "/invitations#syninv_s3cret", "/invitations");

    // Opening the link joins nothing by itself.
    expect(screen.getByRole("heading", { name: "Join a project" })).toBeInTheDocument();
    expect(calls.filter((c) => c.name === "AcceptProjectInvitation")).toHaveLength(0);
    await userEvent.click(screen.getByRole("button", { name: "Join project" }));
    expect(calls.filter((c) => c.name === "AcceptProjectInvitation").map((c) => c.variables)).toEqual([
      { token: "syninv_s3cret" },
    ]);
    expect(await screen.findByText("navigated away")).toBeInTheDocument();
  });

  it("says the link is cut short when it has no token, and offers nothing to click", () => {
    const { client } = fakeClient({});
    renderWith(<AcceptInvitation />, client, "/invitations", "/invitations");
    expect(screen.getByRole("alert")).toHaveTextContent("no token");
    expect(screen.queryByRole("button", { name: "Join project" })).not.toBeInTheDocument();
  });

  it("says so when the invitation is gone, and stays", async () => {
    const { client } = fakeClient({
      AcceptProjectInvitation: apiError("no such invitation: it was taken, withdrawn or replaced", "NOT_FOUND"),
    });
    renderWith(<AcceptInvitation />, client, "/invitations#syninv_old", "/invitations");
    await userEvent.click(screen.getByRole("button", { name: "Join project" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("No such invitation");
    expect(screen.queryByText("navigated away")).not.toBeInTheDocument();
  });
});
