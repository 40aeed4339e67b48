// The signed-in session. The access token lives in this module's memory only; the refresh
// token is an HttpOnly cookie the gateway sets (gateway/web.py), out of JavaScript's reach.
// Every call to /session/* carries the double-submit CSRF token.

export interface SessionUser {
  id: string;
  email: string;
}

export interface FieldError {
  field: string;
  message: string;
}

/** An error as the API describes it: a sentence, a code, a reason and the fields it names. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly reason = "",
    readonly fields: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

type Listener = (token: string | null) => void;

let accessToken: string | null = null;
let csrfToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<string | null> | null = null;
const listeners = new Set<Listener>();
const lostListeners = new Set<() => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called when a session that was open ends without a sign-out: the access token was refused
 * and the refresh cookie could not renew it (revoked by a sign-out elsewhere, or expired). */
export function onSessionLost(listener: () => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

function setToken(token: string | null, expiresIn = 0): void {
  accessToken = token;
  clearTimeout(refreshTimer);
  if (token && expiresIn > 0) {
    // A minute before it expires (never sooner than in 5 s), trade the cookie for a new one.
    const delay = Math.max(5, expiresIn - 60) * 1000;
    refreshTimer = setTimeout(() => void refresh(), delay);
  }
  listeners.forEach((listener) => listener(token));
}

async function csrf(): Promise<string> {
  if (!csrfToken) {
    const response = await fetch("/session/csrf", { credentials: "same-origin" });
    const body = (await response.json()) as { csrfToken: string };
    csrfToken = body.csrfToken;
  }
  return csrfToken;
}

async function post(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`/session/${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": await csrf() },
    body: JSON.stringify(body ?? {}),
  });
  const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw httpError(payload, response.status);
  }
  return payload;
}

/** The JSON error of the gateway's HTTP routes ({error: {code, message, reason, fields}}). */
export function httpError(payload: Record<string, unknown>, status: number): ApiError {
  const error = (payload.error ?? {}) as {
    code?: string;
    message?: string;
    reason?: string;
    fields?: FieldError[];
    retryAfterSeconds?: number;
  };
  return new ApiError(
    error.message ?? `the server answered ${status}`,
    error.code ?? "INTERNAL",
    error.reason ?? "",
    error.fields ?? [],
    error.retryAfterSeconds,
  );
}

function accept(payload: Record<string, unknown>): SessionUser | null {
  setToken(String(payload.accessToken), Number(payload.expiresIn ?? 0));
  return (payload.user as SessionUser | undefined) ?? null;
}

export async function signIn(email: string, password: string): Promise<SessionUser | null> {
  return accept(await post("login", { email, password }));
}

export async function signUp(input: {
  email: string;
  password: string;
  displayName?: string;
  organization?: string;
}): Promise<SessionUser | null> {
  return accept(await post("register", input));
}

// The refresh cookie turns over on every renewal, and a used one sent again ends every
// session of the login (the auth service's reuse detection). Tabs share the cookie but not
// this module, so tabs opened together sent the same cookie at once and signed each other
// out: renewals take turns across the browser's tabs, each sending the cookie as the last
// one left it. (Without the Web Locks API, as in tests, each goes at once.)
const RENEWAL_LOCK = "synthetica-session-refresh";

function renew(): Promise<Record<string, unknown>> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks ? locks.request(RENEWAL_LOCK, () => post("refresh")) : post("refresh");
}

/** A new access token from the refresh cookie; null when there is no session (any more). */
export function refresh(): Promise<string | null> {
  refreshing ??= renew()
    .then((payload) => {
      accept(payload);
      return accessToken;
    })
    .catch(() => {
      const hadSession = accessToken !== null;
      setToken(null);
      if (hadSession) lostListeners.forEach((listener) => listener());
      return null;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function signOut(): Promise<void> {
  try {
    await post("logout");
  } finally {
    setToken(null);
  }
}
