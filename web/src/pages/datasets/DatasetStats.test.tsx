import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import DatasetStats, { columnPanel } from "./DatasetStats";

const bins = Array.from({ length: 20 }, (_, i) => ({
  start: `19${60 + Math.floor(i / 2)}-0${1 + (i % 2) * 6}-01T00:00:00`,
  end: `19${60 + Math.floor((i + 1) / 2)}-0${1 + ((i + 1) % 2) * 6}-01T00:00:00`,
  count: 6,
}));
const column = { type: "timestamp[s]", count: 120, nulls: 0, distinct: 120, distinct_approximate: false };
const stats = (columns: unknown[]) => ({ data: { dataset: { id: "d1", stats: { row_count: 120, columns } } } });

describe("a dataset's column statistics", () => {
  it("charts a date column as a histogram of its dates", async () => {
    const { client } = fakeClient({ DatasetStats: stats([{ ...column, name: "Month", datetime_min: "1960-01-01T00:00:00", datetime_max: "1969-07-01T00:00:00", datetime_histogram: bins }]) });
    renderWith(<DatasetStats datasetId="d1" />, client);
    expect(await screen.findByRole("img", { name: "Histogram of Month" }, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.queryByText(/No chart/)).not.toBeInTheDocument();
  });

  it("says why a column has no chart, and gives the range of dates counted before date histograms", async () => {
    const { client } = fakeClient({
      DatasetStats: stats([
        { ...column, name: "Month", datetime_min: "1960-01-01T00:00:00", datetime_max: "1968-12-01T00:00:00" },
        { ...column, name: "order_id", type: "string", distinct: 1_000_000, distinct_approximate: true, top_categories: null },
        { ...column, name: "note", type: "string", count: 0, nulls: 120, distinct: 0, top_categories: [] },
      ]),
    });
    renderWith(<DatasetStats datasetId="d1" />, client);
    expect(await screen.findByText("Month: dates from 1960-01-01 to 1968-12-01.", {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByText("No chart for order_id: too many distinct values to count.")).toBeInTheDocument();
    expect(screen.getByText("No chart for note: no values.")).toBeInTheDocument();
  });

  it("says a column of numbers none of which is finite has no finite values, not too many to count", async () => {
    const { client } = fakeClient({
      DatasetStats: stats([{ ...column, name: "ratio", type: "double", count: 40, distinct: 2, numeric: { min: null, max: null, mean: null, histogram: [] } }]),
    });
    renderWith(<DatasetStats datasetId="d1" />, client);
    expect(await screen.findByText("No chart for ratio: no finite values.", {}, { timeout: 15_000 })).toBeInTheDocument();
  });

  it("draws nothing from date bins whose bounds are not dates, and says so", async () => {
    const broken = [
      { start: "not a date", end: "1960-07-01T00:00:00", count: 3 },
      { start: 1960, end: null, count: 2 },
    ];
    const { client } = fakeClient({
      DatasetStats: stats([
        { ...column, name: "Month", datetime_min: 12, datetime_max: "soon", datetime_histogram: broken },
        { ...column, name: "Week", datetime_min: "1960-01-01T00:00:00", datetime_max: "1960-12-31T00:00:00", datetime_histogram: broken },
      ]),
    });
    renderWith(<DatasetStats datasetId="d1" />, client);
    expect(await screen.findByText("No chart for Month: dates that could not be read.", {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByText("Week: dates from 1960-01-01 to 1960-12-31.")).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: "Histogram of Month" })).not.toBeInTheDocument();
  });

  it("labels the one bin of a column with a single date by that date", () => {
    const one = [{ start: "2020-01-01T00:00:00", end: "2020-01-01T00:00:00", count: 40 }];
    const panel = columnPanel({ ...column, name: "Day", datetime_min: one[0]!.start, datetime_max: one[0]!.end, datetime_histogram: one });
    expect(panel?.xAxis.data).toEqual(["2020-01-01"]);
    expect(panel?.series[0]?.data).toEqual([40]);
  });

  it("labels the bins of large numbers in thousands and millions, not in exponent notation", () => {
    const histogram = [
      { start: 19_302, end: 70_000, count: 12 },
      { start: 630_000, end: 1_484_705, count: 3 },
      { start: 0.125, end: 1.5, count: 1 },
    ];
    const panel = columnPanel({ ...column, name: "fnlwgt", type: "int64", numeric: { min: 0.125, max: 1_484_705, mean: 9, histogram } });
    expect(panel?.xAxis.data).toEqual(["19.3K–70K", "630K–1.48M", "0.125–1.5"]);
  });
});
