import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ProjectQuery } from "../../gql/graphql";
import { apiError, fakeClient, renderWith } from "../../test/render";
import { Members } from "./Members";

type Project = ProjectQuery["project"];

function project(myRole: Project["myRole"], members: Project["members"]): Project {
  return { id: "p1", name: "Census", description: "", myRole, ownerId: "u1", createdAt: null, members };
}

const ada = { userId: "u1", email: "ada@example.com", role: "OWNER", pending: false, addedAt: "2026-11-01T10:00:00Z" } as const;
const bob = { userId: "u2", email: "bob@example.com", role: "VIEWER", pending: false, addedAt: "2026-11-02T10:00:00Z" } as const;
const carol = { userId: null, email: "carol@example.com", role: "EDITOR", pending: true, addedAt: "2026-11-03T10:00:00Z" } as const;

describe("project members", () => {
  it("lists pending invitations apart, and an owner withdraws one by email", async () => {
    const { client, calls } = fakeClient({ RemoveProjectMember: { data: { removeProjectMember: true } } });
    const onChanged = vi.fn();
    renderWith(<Members project={project("OWNER", [ada, bob, carol])} myId="u1" onChanged={onChanged} />, client);

    const membersTable = screen.getByRole("table", { name: "Members" });
    expect(within(membersTable).queryByText(/carol@example.com/)).not.toBeInTheDocument();
    const invitations = screen.getByRole("table", { name: "Pending invitations" });
    const row = within(invitations).getByRole("row", { name: /carol@example.com/ });
    expect(row).toHaveTextContent("invitation pending");
    expect(row).toHaveTextContent("editor");
    // A pending invitation has no user yet: no role picker, no "Remove" by user id.
    expect(screen.queryByRole("combobox", { name: "Role of carol@example.com" })).not.toBeInTheDocument();

    await userEvent.click(within(row).getByRole("button", { name: "Withdraw invitation to carol@example.com" }));
    const removals = calls.filter((c) => c.name === "RemoveProjectMember");
    expect(removals).toHaveLength(1);
    expect(removals[0]!.variables).toMatchObject({ projectId: "p1", email: "carol@example.com" });
    expect(removals[0]!.variables.userId ?? null).toBeNull();
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("shows a viewer the invitations without buttons, and lets them leave after confirming", async () => {
    const { client, calls } = fakeClient({ RemoveProjectMember: { data: { removeProjectMember: true } } });
    renderWith(<Members project={project("VIEWER", [ada, bob, carol])} myId="u2" onChanged={() => {}} />, client, "/projects/p1", "/projects/:projectId");

    expect(screen.getByRole("table", { name: "Pending invitations" })).toHaveTextContent("carol@example.com");
    expect(screen.queryByRole("button", { name: /Withdraw invitation/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Invite a member" })).not.toBeInTheDocument();
    expect(screen.getByRole("row", { name: /bob@example.com/ })).toHaveTextContent("(you)");

    await userEvent.click(screen.getByRole("button", { name: "Leave project" }));
    expect(calls.filter((c) => c.name === "RemoveProjectMember")).toHaveLength(0);
    await userEvent.click(within(screen.getByRole("group", { name: "Confirm leaving" })).getByRole("button", { name: "Yes, leave" }));
    const removals = calls.filter((c) => c.name === "RemoveProjectMember");
    expect(removals.map((c) => c.variables)).toEqual([{ projectId: "p1", userId: "u2" }]);
    expect(await screen.findByText("navigated away")).toBeInTheDocument();
  });

  it("gives an owner the invitation's link once, to send to the invitee", async () => {
    const invited = { userId: null, email: "dan@example.com", role: "EDITOR", invitationToken: "syninv_s3cret" };
    const { client, calls } = fakeClient({ AddProjectMember: { data: { addProjectMember: invited } } });
    const onChanged = vi.fn();
    renderWith(<Members project={project("OWNER", [ada])} myId="u1" onChanged={onChanged} />, client);

    await userEvent.type(screen.getByLabelText("Member email"), "dan@example.com");
    await userEvent.selectOptions(screen.getByLabelText("Role"), "EDITOR");
    await userEvent.click(screen.getByRole("button", { name: "Invite" }));
    expect(calls.filter((c) => c.name === "AddProjectMember").map((c) => c.variables)).toEqual([
      { projectId: "p1", email: "dan@example.com", role: "EDITOR" },
    ]);
    const link = await screen.findByRole("textbox", { name: "Invitation link for dan@example.com" });
    expect(link).toHaveValue(`${window.location.origin}/invitations#syninv_s3cret`);
    expect(screen.getByRole("group", { name: "Invitation link" })).toHaveTextContent("shown only now");
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("does not offer the only owner to leave, and says why", () => {
    const { client } = fakeClient({});
    renderWith(<Members project={project("OWNER", [ada, bob])} myId="u1" onChanged={() => {}} />, client);
    expect(screen.queryByRole("button", { name: "Leave project" })).not.toBeInTheDocument();
    expect(screen.getByText(/only owner/)).toBeInTheDocument();
    expect(screen.getByText("No pending invitations.")).toBeInTheDocument();
  });

  it("shows the API's refusal to leave as a sentence and stays", async () => {
    const { client } = fakeClient({
      RemoveProjectMember: apiError("a project keeps at least one owner", "FAILED_PRECONDITION"),
    });
    const second = { ...bob, role: "OWNER" } as const;
    renderWith(<Members project={project("OWNER", [ada, second])} myId="u1" onChanged={() => {}} />, client, "/projects/p1", "/projects/:projectId");
    await userEvent.click(screen.getByRole("button", { name: "Leave project" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, leave" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("A project keeps at least one owner.");
    expect(screen.queryByText("navigated away")).not.toBeInTheDocument();
  });
});
