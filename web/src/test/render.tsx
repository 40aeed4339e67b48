import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { Provider, type Client, type OperationResult } from "urql";
import { vi } from "vitest";
import { fromValue, never } from "wonka";

type Answer = Partial<OperationResult> | ((variables: Record<string, unknown>) => Partial<OperationResult>);

/** A urql client whose operations answer from `answers` (by operation name); calls are recorded. */
export function fakeClient(answers: Record<string, Answer>) {
  const calls: { name: string; variables: Record<string, unknown> }[] = [];
  const answer = (operation: { query: { definitions: readonly unknown[] }; variables: Record<string, unknown> }) => {
    const definition = operation.query.definitions[0] as { name?: { value: string } };
    const name = definition.name?.value ?? "";
    calls.push({ name, variables: operation.variables });
    const given = answers[name];
    if (!given) return never;
    const result = typeof given === "function" ? given(operation.variables) : given;
    return fromValue({ operation, stale: false, hasNext: false, ...result });
  };
  const client = {
    executeQuery: vi.fn(answer),
    executeMutation: vi.fn(answer),
    executeSubscription: vi.fn(() => never),
  } as unknown as Client;
  return { client, calls };
}

export function renderWith(ui: ReactElement, client: Client, path = "/", pattern = "*") {
  return render(
    <Provider value={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={pattern} element={ui} />
          <Route path="*" element={<p>navigated away</p>} />
        </Routes>
      </MemoryRouter>
    </Provider>,
  );
}

/** A GraphQL error as the gateway sends it (extensions.code, reason, fields). */
export function apiError(message: string, code: string, fields: { field: string; message: string }[] = []) {
  return {
    error: {
      name: "CombinedError",
      message,
      graphQLErrors: [{ message, extensions: { code, fields } }],
      networkError: undefined,
    } as unknown as OperationResult["error"],
  };
}
