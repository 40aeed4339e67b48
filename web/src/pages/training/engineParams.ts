import type { EnginesQuery } from "../../gql/graphql";

export type Engine = EnginesQuery["engines"][number];
export type Parameter = Engine["parameters"][number];

// Parameters with inputs of their own on the form, not in the engine's options.
export const COMMON = new Set(["epochs", "batch_size", "time_budget_seconds", "seed"]);

/** The value typed for a parameter, checked against its type and range; an error sentence or the value. */
export function parseParameter(parameter: Parameter, raw: string): { value?: unknown; error?: string } {
  const text = raw.trim();
  if (text === "") return {};
  if (parameter.type === "bool") {
    if (text !== "true" && text !== "false") return { error: "Choose true or false." };
    return { value: text === "true" };
  }
  if (parameter.type === "int" || parameter.type === "float") {
    const number = Number(text);
    if (!Number.isFinite(number)) return { error: "Enter a number." };
    if (parameter.type === "int" && !Number.isInteger(number)) return { error: "Enter a whole number." };
    if (parameter.min != null && number < parameter.min) return { error: `Must be at least ${parameter.min}.` };
    if (parameter.max != null && number > parameter.max) return { error: `Must be at most ${parameter.max}.` };
    return { value: number };
  }
  return { value: text };
}

export function rangeHint(parameter: Parameter): string {
  // The engines' descriptions are phrases without a full stop: end them as sentences.
  const description = (parameter.description ?? "").trim();
  const parts = [description && !/[.!?]$/.test(description) ? `${description[0]!.toUpperCase()}${description.slice(1)}.` : description];
  if (parameter.default !== null && parameter.default !== undefined) parts.push(`Default ${JSON.stringify(parameter.default)}.`);
  if (parameter.min != null && parameter.max != null) parts.push(`From ${parameter.min} to ${parameter.max}.`);
  else if (parameter.min != null) parts.push(`At least ${parameter.min}.`);
  else if (parameter.max != null) parts.push(`At most ${parameter.max}.`);
  return parts.filter(Boolean).join(" ");
}
