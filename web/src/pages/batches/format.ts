// How a report's numbers read, on the single-table and the several-tables report alike.

/** A share as a percentage with one decimal; "–" when unknown. */
export const pct = (value?: number | null) => (value == null ? "–" : `${(value * 100).toFixed(1)} %`);

/** A number with `digits` decimals; "–" when unknown. */
export const num = (value?: number | null, digits = 3) => (value == null ? "–" : value.toFixed(digits));

/** An axis label for a share: a whole percentage. */
export const share = (value: number) => `${Math.round(value * 100)} %`;

const COMPACT = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 3 });

/** A histogram bin's label, "a–b": three significant digits, or as many more as tell its bounds
 * apart (longitudes "-118.33–-118.28", not "-118–-118"; years "1970–1974", not "2K–2K").
 * Thousands and millions read "19.3K" and "1.48M" where three digits do (a reader does not read
 * "1.9e+4" at a glance). */
export function binRange(start: number, end: number): string {
  const width = Math.abs(end - start);
  const largest = Math.max(Math.abs(start), Math.abs(end));
  const digits = width > 0 && largest > 0 ? Math.min(12, Math.max(3, Math.ceil(Math.log10(largest / width)) + 1)) : 3;
  const edge = (value: number) =>
    Math.abs(value) >= 1000 && digits <= 3 ? COMPACT.format(value) : Number(value.toPrecision(digits)).toString();
  return `${edge(start)}–${edge(end)}`;
}
