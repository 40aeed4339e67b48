import { describe, expect, it } from "vitest";
import { overlayPanel } from "./ReportPage";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe("a report's column overlays", () => {
  it("shows a date bin's first day on the axis and both bounds in the tooltip", () => {
    const panel = overlayPanel({
      kind: "histogram",
      column: "Date",
      datetime: true,
      bin_edges: [day("1981-01-01"), day("1981-07-02"), day("1981-12-31")],
      real: [0.5, 0.5],
      synthetic: [0.4, 0.6],
    });
    const data = panel.xAxis.data as string[];
    expect(data).toEqual(["1981-01-01 – 1981-07-02", "1981-07-02 – 1981-12-31"]);
    const axisLabel = panel.xAxis.axisLabel as { formatter: (value: string) => string };
    expect(data.map(axisLabel.formatter)).toEqual(["1981-01-01", "1981-07-02"]);
  });

  it("writes large numbers' bins in thousands, not in exponent notation", () => {
    const panel = overlayPanel({ kind: "histogram", column: "fnlwgt", datetime: false, bin_edges: [19_302, 70_000, 121_000], real: [0.7, 0.3], synthetic: [0.6, 0.4] });
    expect(panel.xAxis.data).toEqual(["19.3K–70K", "70K–121K"]);
  });
});
