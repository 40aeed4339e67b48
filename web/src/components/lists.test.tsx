import { render, screen, within } from "@testing-library/react";
import { CombinedError } from "urql";
import { describe, expect, it } from "vitest";
import { PagedTable } from "./lists";
import { usePages } from "./ui";

interface Row {
  id: string;
  name: string;
}

function List(props: { fetching?: boolean; error?: CombinedError; nodes?: Row[]; hasNextPage?: boolean }) {
  const pages = usePages();
  const connection = props.nodes ? { nodes: props.nodes, pageInfo: { hasNextPage: props.hasNextPage ?? false, endCursor: "c1" } } : undefined;
  return (
    <PagedTable
      what="things" caption="Things" result={{ fetching: props.fetching ?? false, error: props.error }} connection={connection} pages={pages} empty="No things yet."
      columns={[{ header: "Name", cell: (r) => r.name }, false, { header: "Id", cell: (r) => <code>{r.id}</code> }]}
    />
  );
}

describe("PagedTable", () => {
  it("says it is loading, then that there are none", () => {
    const { rerender } = render(<List fetching />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading things…");
    rerender(<List nodes={[]} />);
    expect(screen.getByText("No things yet.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows a row a node under the columns it is given, and the next page when there is one", () => {
    render(<List nodes={[{ id: "a1", name: "first" }, { id: "b2", name: "second" }]} hasNextPage />);
    const table = screen.getByRole("table", { name: "Things" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Name", "Id"]);
    expect(within(table).getAllByRole("row").slice(1).map((r) => r.textContent)).toEqual(["firsta1", "secondb2"]);
    expect(screen.getByRole("button", { name: "Next page" })).toBeEnabled();
  });

  it("shows the API's error as a sentence", () => {
    const error = new CombinedError({ graphQLErrors: [{ message: "project not found", extensions: { code: "NOT_FOUND" } }] });
    render(<List error={error} />);
    expect(screen.getByRole("alert")).not.toHaveTextContent("{");
    expect(screen.getByRole("alert")).toHaveTextContent(/not found/i);
  });
});
