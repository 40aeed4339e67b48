// Checks the forms make before sending, with the sentence each shows at its field. They return
// the value to send and put the sentence, if any, in `errors` under the API's field name.

/** Rows to generate: a whole number above 0 (`errors.count`). */
export function checkRows(text: string, errors: Record<string, string>): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) errors.count = "Enter a whole number of rows above 0.";
  return value;
}

/** A seed: empty for a random one, else a whole number, 0 or more (`errors.seed`). */
export function checkSeed(text: string, errors: Record<string, string>): number | null {
  const value = text.trim() === "" ? null : Number(text);
  if (value !== null && (!Number.isInteger(value) || value < 0)) errors.seed = "Enter a whole number, 0 or more.";
  return value;
}

export type JsonObject = Record<string, unknown>;

/** Optional JSON: null when empty, else the value it parses to, if `accepts` it; otherwise null
 * and `message` under `errors[field]`. */
export function checkJson(
  text: string,
  errors: Record<string, string>,
  field: string,
  message: string,
  accepts: (value: unknown) => boolean = () => true,
): unknown {
  if (!text.trim()) return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (accepts(value)) return value;
  } catch {
    // Not JSON: the same sentence as a value it does not accept.
  }
  errors[field] = message;
  return null;
}

/** A JSON object: not an array, not null, not a scalar. */
export function isJsonObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
