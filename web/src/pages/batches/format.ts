// How a report's numbers read, on the single-table and the several-tables report alike.

/** A share as a percentage with one decimal; "–" when unknown. */
export const pct = (value?: number | null) => (value == null ? "–" : `${(value * 100).toFixed(1)} %`);

/** A number with `digits` decimals; "–" when unknown. */
export const num = (value?: number | null, digits = 3) => (value == null ? "–" : value.toFixed(digits));

/** An axis label for a share: a whole percentage. */
export const share = (value: number) => `${Math.round(value * 100)} %`;

const COMPACT = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 3 });

/** A histogram bin's bound on an axis: three significant digits, thousands and millions as
 * "19.3K" and "1.48M" (a reader does not read "1.9e+4" at a glance). */
export const binEdge = (value: number) => (Math.abs(value) >= 1000 ? COMPACT.format(value) : Number(value.toPrecision(3)).toString());
