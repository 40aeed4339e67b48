import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import type { CombinedError } from "urql";
import { describe, expect, it } from "vitest";
import { NotLoaded } from "./page";

function failed(message: string, code: string) {
  return { message, graphQLErrors: [{ message, extensions: { code } }] } as unknown as CombinedError;
}

describe("a page that could not load", () => {
  it("says an address with a broken id leads nowhere, in the reader's words", () => {
    render(
      <MemoryRouter>
        <NotLoaded result={{ fetching: false, error: failed("dataset_id is not a valid id", "BAD_USER_INPUT") }} what="the dataset" />
      </MemoryRouter>,
    );
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("This address does not lead to the dataset: the id in it is not valid.");
    expect(alert).not.toHaveTextContent("dataset_id");
    expect(screen.getByRole("link", { name: "your projects" })).toHaveAttribute("href", "/projects");
  });

  it("keeps the server's sentence for anything else", () => {
    render(
      <MemoryRouter>
        <NotLoaded result={{ fetching: false, error: failed("dataset not found", "NOT_FOUND") }} what="the dataset" />
      </MemoryRouter>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Dataset not found.");
  });
});
