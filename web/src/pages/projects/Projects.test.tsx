import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import Projects from "./Projects";

const empty = { data: { projects: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } };

describe("projects", () => {
  it("says what to do when there are none, and refuses an empty name before sending", async () => {
    const { client, calls } = fakeClient({ Projects: empty });
    renderWith(<Projects />, client);
    expect(await screen.findByText(/No projects yet/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "New project" }));
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(screen.getByLabelText("Project name")).toHaveAccessibleDescription("Give the project a name.");
    expect(calls.filter((c) => c.name === "CreateProject")).toHaveLength(0);
  });

  it("shows the API's error at the name field", async () => {
    const { client } = fakeClient({
      Projects: empty,
      CreateProject: apiError("name must be 1 to 200 characters", "BAD_USER_INPUT", [{ field: "name", message: "name must be 1 to 200 characters" }]),
    });
    renderWith(<Projects />, client);
    await userEvent.click(await screen.findByRole("button", { name: "New project" }));
    await userEvent.type(screen.getByLabelText("Project name"), "x".repeat(5));
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("Name must be 1 to 200 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Project name")).toHaveAttribute("aria-invalid", "true");
  });

  it("offers the next page with the API's cursor", async () => {
    const { client, calls } = fakeClient({
      Projects: (variables) => ({
        data: {
          projects: {
            nodes: [{ id: variables.after ? "2" : "1", name: variables.after ? "Second page" : "First page", description: "", myRole: "OWNER", createdAt: null }],
            pageInfo: { hasNextPage: !variables.after, endCursor: variables.after ? null : "cursor-1" },
          },
        },
      }),
    });
    renderWith(<Projects />, client);
    expect(await screen.findByRole("link", { name: "First page" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Second page" })).toBeInTheDocument();
    expect(calls.some((c) => c.name === "Projects" && c.variables.after === "cursor-1")).toBe(true);
  });
});
