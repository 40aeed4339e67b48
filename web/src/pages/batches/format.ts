// How a report's numbers read, on the single-table and the several-tables report alike.

/** A share as a percentage with one decimal; "–" when unknown. */
export const pct = (value?: number | null) => (value == null ? "–" : `${(value * 100).toFixed(1)} %`);

/** A number with `digits` decimals; "–" when unknown. */
export const num = (value?: number | null, digits = 3) => (value == null ? "–" : value.toFixed(digits));

/** An axis label for a share: a whole percentage. */
export const share = (value: number) => `${Math.round(value * 100)} %`;
