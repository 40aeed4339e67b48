import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { Provider, type Client, type OperationResult } from "urql";
import { vi } from "vitest";
import { filter, fromValue, makeSubject, map, never, pipe } from "wonka";

type Answer = Partial<OperationResult> | ((variables: Record<string, unknown>) => Partial<OperationResult>);

/** A urql client whose operations answer from `answers` (by operation name); calls are recorded.
 * Subscriptions stay open and get what `push(name, data)` sends them. */
export function fakeClient(answers: Record<string, Answer>) {
  const live = makeSubject<{ name: string; data: unknown }>();
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
    executeSubscription: vi.fn((operation: { query: { definitions: readonly unknown[] } }) => {
      const name = (operation.query.definitions[0] as { name?: { value: string } }).name?.value ?? "";
      return pipe(
        live.source,
        filter((event) => event.name === name),
        map((event) => ({ operation, data: event.data, stale: false, hasNext: true })),
      );
    }),
  } as unknown as Client;
  const push = (name: string, data: unknown) => live.next({ name, data });
  return { client, calls, push };
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
