import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { Alert, Field } from "../../components/ui";
import { useAuth } from "../../lib/auth";
import { fieldError, toApiError } from "../../lib/errors";
import type { ApiError } from "../../lib/session";

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main id="main" className="auth-page">
      <h1>{title}</h1>
      {children}
    </main>
  );
}

export function SignIn() {
  const { status, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const state = location.state as { from?: string; ended?: boolean } | null;
  const from = state?.from ?? "/projects";
  if (status === "signedIn") return <Navigate to={from} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
      navigate(from, { replace: true });
    } catch (exc) {
      setError(toApiError(exc));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Sign in to Synthetica">
      {state?.ended && !error ? (
        <p role="status" className="notice">
          Your session has ended (signed out elsewhere, or expired). Sign in again to go back where you were.
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Field label="Email">
          {(p) => (
            <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
          )}
        </Field>
        <Field label="Password">
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <Alert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p>
        {/* The page asked for (an invitation link) comes along, to open after signing up. */}
        New here? <Link to="/signup" state={state?.from ? { from: state.from } : null}>Register a new account</Link>
      </p>
    </AuthFrame>
  );
}

export function SignUp() {
  const { status, signUp } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/projects";
  const [form, setForm] = useState({ email: "", password: "", displayName: "", organization: "" });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (status === "signedIn") return <Navigate to={from} replace />;
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signUp(form);
      navigate(from, { replace: true });
    } catch (exc) {
      setError(toApiError(exc));
    } finally {
      setBusy(false);
    }
  }
  const emailError = fieldError(error, "email");
  const passwordError = fieldError(error, "password");

  return (
    <AuthFrame title="Create your Synthetica account">
      <form onSubmit={submit} noValidate>
        <Field label="Email" error={emailError}>
          {(p) => <input {...p} type="email" autoComplete="username" value={form.email} onChange={set("email")} required />}
        </Field>
        <Field label="Password" error={passwordError} hint="At least 10 characters, with a letter and a digit.">
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set("password")} required />
          )}
        </Field>
        <Field label="Display name (optional)">
          {(p) => <input {...p} autoComplete="name" value={form.displayName} onChange={set("displayName")} />}
        </Field>
        <Field label="Organization (optional)">
          {(p) => <input {...p} autoComplete="organization" value={form.organization} onChange={set("organization")} />}
        </Field>
        {error && !emailError && !passwordError ? <Alert error={error} /> : null}
        <button type="submit" className="primary" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Already registered? <Link to="/signin">Go to sign-in</Link>
      </p>
    </AuthFrame>
  );
}
