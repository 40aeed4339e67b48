import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthProvider } from "../../lib/auth";
import { fakeClient, renderWith } from "../../test/render";
import { SignIn, SignUp } from "./SignIn";

function gateway(routes: Record<string, { status: number; body: unknown }>) {
  const fetchMock = vi.fn(async (url: string, _init?: RequestInit) => {
    const path = url.replace(/^.*\/session\//, "");
    const answer = routes[path] ?? { status: 401, body: { error: { code: "UNAUTHENTICATED", message: "not signed in" } } };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

/** The sign-in page, filled in with `email` and `password` and sent. */
async function signInAs(email: string, password: string) {
  const { client } = fakeClient({});
  renderWith(<AuthProvider><SignIn /></AuthProvider>, client);
  await userEvent.type(await screen.findByLabelText("Email"), email);
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

afterEach(() => vi.unstubAllGlobals());

describe("sign in", () => {
  it("shows a sentence, not JSON, for a wrong password", async () => {
    gateway({
      csrf: { status: 200, body: { csrfToken: "t" } },
      login: { status: 401, body: { error: { code: "UNAUTHENTICATED", message: "invalid email or password", reason: "INVALID_CREDENTIALS" } } },
    });
    await signInAs("ada@example.com", "wrong-password-1");
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
    expect(screen.getByRole("alert").textContent).not.toContain("{");
  });

  it("sends the CSRF token it was given with the credentials", async () => {
    const fetchMock = gateway({
      csrf: { status: 200, body: { csrfToken: "t" } },
      login: { status: 429, body: { error: { code: "RATE_LIMITED", message: "too many attempts", retryAfterSeconds: 60 } } },
    });
    await signInAs("ada@example.com", "whatever-123");
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many attempts. Try again in 60 seconds.");
    const login = fetchMock.mock.calls.find(([url]) => String(url).endsWith("/session/login"));
    const init = login?.[1] as RequestInit;
    expect((init.headers as Record<string, string>)["x-csrf-token"]).toBe("t");
    expect(JSON.parse(String(init.body))).toEqual({ email: "ada@example.com", password: "whatever-123" });
  });
});

describe("sign up", () => {
  it("puts the password rule at the password field", async () => {
    gateway({
      csrf: { status: 200, body: { csrfToken: "t" } },
      register: {
        status: 400,
        body: { error: { code: "BAD_USER_INPUT", message: "password must be at least 10 characters", fields: [{ field: "password", message: "password must be at least 10 characters" }] } },
      },
    });
    const { client } = fakeClient({});
    renderWith(<AuthProvider><SignUp /></AuthProvider>, client);
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    const password = screen.getByLabelText("Password");
    expect(await screen.findByText("Password must be at least 10 characters.")).toBeInTheDocument();
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(password).toHaveAccessibleDescription(/Password must be at least 10 characters\./);
    expect(screen.getByLabelText("Email")).not.toHaveAttribute("aria-invalid");
  });
});
