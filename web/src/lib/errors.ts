import type { CombinedError } from "urql";
import { ApiError, type FieldError } from "./session";

const CODE_SENTENCES: Record<string, string> = {
  UNAUTHENTICATED: "Your session has ended. Please sign in again.",
  FORBIDDEN: "You do not have the rights to do this in this project.",
  NOT_FOUND: "This was not found, or you do not have access to it.",
  RATE_LIMITED: "Too many attempts. Please wait a moment and try again.",
  SERVICE_UNAVAILABLE: "The service is unavailable right now. Please try again shortly.",
  INTERNAL: "Something went wrong on our side. Please try again.",
};

/** Turns a GraphQL or HTTP failure into one ApiError: message, code, reason, fields. */
export function toApiError(error: CombinedError | ApiError | Error | unknown): ApiError {
  if (error instanceof ApiError) return error;
  const combined = error as CombinedError;
  if (combined && Array.isArray(combined.graphQLErrors) && combined.graphQLErrors.length > 0) {
    const first = combined.graphQLErrors[0]!;
    const ext = (first.extensions ?? {}) as {
      code?: string;
      reason?: string;
      fields?: FieldError[];
      retryAfterSeconds?: number;
    };
    return new ApiError(
      first.message,
      ext.code ?? "INTERNAL",
      ext.reason ?? "",
      ext.fields ?? [],
      ext.retryAfterSeconds,
    );
  }
  if (combined && combined.networkError) {
    return new ApiError("The server could not be reached.", "SERVICE_UNAVAILABLE");
  }
  return new ApiError(String((error as Error)?.message ?? error), "INTERNAL");
}

/** A message as a sentence: capital first letter, final full stop. */
export function capitalize(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const sentence = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** A sentence for a person: the API's own message where it is precise, else the code's. */
export function sentence(error: ApiError): string {
  if (error.code === "RATE_LIMITED" && error.retryAfterSeconds) {
    return `Too many attempts. Try again in ${error.retryAfterSeconds} seconds.`;
  }
  if (error.code === "INTERNAL" && /internal error/i.test(error.message)) {
    return CODE_SENTENCES.INTERNAL!;
  }
  if (error.code === "UNAUTHENTICATED") {
    // Only a sign-in's refusal is about the password, and a disabled account says so; any
    // other (no token, an expired or malformed one) means the session is over.
    if (/invalid (email or password|credentials)/i.test(error.message)) return "Wrong email or password.";
    if (/disabled/i.test(error.message)) return capitalize(error.message);
    return CODE_SENTENCES.UNAUTHENTICATED!;
  }
  if (error.message && error.code !== "INTERNAL") return capitalize(error.message);
  return CODE_SENTENCES[error.code] ?? capitalize(error.message);
}

/** The message for one input: an exact field name, or one that ends with it (input.count). */
export function fieldError(error: ApiError | null | undefined, ...names: string[]): string | undefined {
  if (!error) return undefined;
  const hit = error.fields.find((f) =>
    names.some((name) => {
      const field = f.field.toLowerCase();
      const wanted = name.toLowerCase();
      return field === wanted || field.endsWith(`.${wanted}`) || field.endsWith(`_${wanted}`);
    }),
  );
  return hit ? capitalize(hit.message) : undefined;
}

/** The errors that no input on the form claims, as sentences. */
export function otherErrors(error: ApiError | null | undefined, claimed: string[]): string[] {
  if (!error) return [];
  if (error.fields.length === 0) return [sentence(error)];
  const rest = error.fields.filter((f) => !claimed.some((name) => fieldError(new ApiError("", "", "", [f]), name)));
  if (rest.length === error.fields.length) {
    return [sentence(error), ...rest.map((f) => `${f.field}: ${capitalize(f.message)}`)];
  }
  return rest.map((f) => `${f.field}: ${capitalize(f.message)}`);
}
