import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, fakeClient, renderWith } from "../../test/render";
import { Connections } from "./Connections";

const warehouse = {
  id: "c1",
  name: "warehouse",
  maskedUrl: "postgresql+psycopg2://reader@db.example.com:5432/sales",
  dialect: "postgresql",
  createdAt: "2026-12-01T10:00:00Z",
};
const listed = { ProjectConnections: { data: { connections: { nodes: [warehouse] } } } };

describe("project connections", () => {
  it("lists connections without passwords and tests one with its error code", async () => {
    const { client, calls } = fakeClient({
      ...listed,
      CheckConnection: { data: { testConnection: { ok: false, errorCode: "AUTH_FAILED", message: "the database refused the user name or password" } } },
    });
    renderWith(<Connections projectId="p1" myRole="EDITOR" />, client);

    const row = within(screen.getByRole("table", { name: "Connections" })).getByRole("row", { name: /warehouse/ });
    expect(row).toHaveTextContent("postgresql+psycopg2://reader@db.example.com:5432/sales");
    await userEvent.click(screen.getByRole("button", { name: "Test connection warehouse" }));
    expect(calls.filter((c) => c.name === "CheckConnection")[0]!.variables).toEqual({ id: "c1" });
    expect(screen.getByRole("status")).toHaveTextContent("Could not connect (AUTH_FAILED): the database refused the user name or password");
  });

  it("adds a connection, and shows the address refusal on the URL field", async () => {
    const { client, calls } = fakeClient({
      ...listed,
      AddConnection: apiError("host 10.0.0.5 is not a public address (or does not resolve)", "BAD_USER_INPUT", [
        { field: "url", message: "host 10.0.0.5 is not a public address (or does not resolve)" },
      ]),
    });
    renderWith(<Connections projectId="p1" myRole="OWNER" />, client);

    const form = screen.getByRole("form", { name: "Add connection" });
    await userEvent.type(within(form).getByLabelText("Connection name"), "internal");
    await userEvent.type(within(form).getByLabelText("Database URL"), "postgresql://u:p@10.0.0.5/db");
    await userEvent.click(within(form).getByRole("button", { name: "Add connection" }));
    expect(calls.filter((c) => c.name === "AddConnection")[0]!.variables).toEqual({
      projectId: "p1",
      name: "internal",
      url: "postgresql://u:p@10.0.0.5/db",
    });
    expect(await within(form).findByText(/is not a public address/)).toBeInTheDocument();
  });

  it("gives a viewer the list without the form or the test buttons", () => {
    const { client } = fakeClient(listed);
    renderWith(<Connections projectId="p1" myRole="VIEWER" />, client);
    expect(screen.getByRole("table", { name: "Connections" })).toHaveTextContent("warehouse");
    expect(screen.queryByRole("form", { name: "Add connection" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Test connection/ })).not.toBeInTheDocument();
  });
});
