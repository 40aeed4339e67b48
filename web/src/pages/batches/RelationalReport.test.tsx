import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import RelationalReport from "./RelationalReport";

const spread = (score: number) => ({
  score,
  realMean: 60,
  syntheticMean: 58,
  realMedian: 40,
  syntheticMedian: 41,
  binEdges: [1, 50, 100, 165],
  real: [0.5, 0.3, 0.2],
  synthetic: [0.55, 0.25, 0.2],
});

const report = {
  alerts: ["flights.carrier → airlines.carrier: 12 synthetic flights rows name a carrier no airline has"],
  multiTableQuality: { overallScore: 0.81, cardinality: 0.77, intertableTrends: 0.7 },
  tables: [
    { name: "airlines", trainRows: 11, syntheticRows: 11, qualityScore: null, diagnosticScore: null, fidelityScore: null, privacyVerdict: null, note: "too few rows to score" },
    { name: "flights", trainRows: 674, syntheticRows: 690, qualityScore: 0.84, diagnosticScore: 1, fidelityScore: 0.9, privacyVerdict: "PASS" as const, note: null },
  ],
  links: [
    {
      parentTable: "airlines",
      parentColumn: "carrier",
      childTable: "flights",
      childColumn: "carrier",
      integrity: { share: 0.983, childRows: 690, orphanRows: 12, missingKeyRows: 0, orphanExamples: ["ZZ"] },
      cardinalityScore: 0.77,
      cardinality: spread(0.77),
      correlationScore: 0.9,
    },
  ],
  sequences: [],
};

describe("report of several tables", () => {
  it("puts the broken link first and says its orphans, then each table's scores", () => {
    render(<RelationalReport report={report} />);
    expect(within(screen.getByRole("list", { name: "Problems to look at first" })).getByRole("alert")).toHaveTextContent(
      "12 synthetic flights rows name a carrier no airline has",
    );
    const links = screen.getByRole("table", { name: "Each link between tables in the synthetic data" });
    expect(within(links).getByRole("row", { name: /flights\.carrier → airlines\.carrier/ })).toHaveTextContent("98.3 %: 12 orphans (e.g. ZZ)");
    const tables = screen.getByRole("table", { name: "Each table's own report" });
    expect(within(tables).getByRole("row", { name: /^airlines/ })).toHaveTextContent("too few rows to score");
    expect(within(tables).getByRole("row", { name: /^flights/ })).toHaveTextContent("84.0 %");
    expect(screen.getByRole("img", { name: "Real and synthetic flights per airlines" })).toBeInTheDocument();
    expect(screen.getByText(/multi-table quality/)).toHaveTextContent("81.0 %");
  });
});
