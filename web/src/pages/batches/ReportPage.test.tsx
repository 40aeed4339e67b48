import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import ReportPage, { overlayPanel } from "./ReportPage";

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

  it("writes narrow bins with the decimals that tell their edges apart", () => {
    // The LA riots' longitudes read "-118–-118" in every bin, and years "2K–2K".
    const longitude = overlayPanel({ kind: "histogram", column: "longitude", datetime: false, bin_edges: [-118.3262, -118.2787, -118.2312], real: [0.5, 0.5], synthetic: [0.4, 0.6] });
    expect(longitude.xAxis.data).toEqual(["-118.33–-118.28", "-118.28–-118.23"]);
    const year = overlayPanel({ kind: "histogram", column: "year", datetime: false, bin_edges: [1970, 1974, 1978, 1982], real: [0.3, 0.3, 0.4], synthetic: [0.3, 0.3, 0.4] });
    expect(year.xAxis.data).toEqual(["1970–1974", "1974–1978", "1978–1982"]);
  });
});

const conformance = {
  score: 0.995,
  passed: false,
  tables: [
    {
      table: "transactions",
      rows: 20000,
      fields: [{ column: "amount", checks: [{ check: "type", conforming_share: 1, passed: true }, { check: "min", conforming_share: 0.99, passed: false }] }],
      foreign_keys: [{ column: "account_id", references_table: "accounts", references_column: "account_id", conforming_share: 1, passed: true }],
    },
  ],
};

describe("a template batch's report", () => {
  it("lists each table's schema checks, and only the scores that apply without real data", async () => {
    const report = {
      id: "r1", batchId: "b1", status: "READY", kind: "CONFORMANCE", qualityScore: 0.995, privacyVerdict: null, targetColumn: null, error: null,
      createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:01Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
      utilityNote: null, privacy: null, charts: null, conformance, htmlUrl: null, rules: [], orderings: [], dependencies: [], impossibleCombinations: [], totals: [], leaders: [], calendar: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
    };
    const { client } = fakeClient({ Report: { data: { report } } });
    renderWith(<ReportPage />, client, "/batches/b1/report", "/batches/:batchId/report");
    const scores = await screen.findByRole("list", { name: "Scores at a glance" });
    expect(within(scores).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Quality 99.5 %"]);
    expect(screen.getByRole("heading", { name: "Schema conformance: fail" })).toBeInTheDocument();
    const checks = screen.getByRole("table", { name: "Checks of the transactions table" });
    expect(within(checks).getByRole("row", { name: /amount min/ })).toHaveTextContent("99.0 %fail");
    expect(within(checks).getByRole("row", { name: /foreign key → accounts\.account_id/ })).toHaveTextContent("100.0 %pass");
    expect(screen.queryByText(/"conforming_share"/)).not.toBeInTheDocument();
  });
});

describe("a report whose rows break an order, a pairing or a combination the real rows rule out", () => {
  it("lists the broken orders, pairings and ruled-out combinations, not the kept ones, and says how to keep them", async () => {
    const report = {
      id: "r2", batchId: "b2", status: "READY", kind: "FULL", qualityScore: 0.89, privacyVerdict: "PASS", targetColumn: "weather", error: null,
      createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
      utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], totals: [], leaders: [], calendar: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
      orderings: [
        { description: "temp_min ≤ temp_max", violationCount: 10, realRows: 1168 },
        { description: "ordered ≤ delivered", violationCount: 0, realRows: 600 },
      ],
      dependencies: [
        { description: "country → continent, iso_alpha", violationCount: 1453, unseenSourceCount: 0, sourceValues: 142 },
        { description: "education → education-num", violationCount: 0, unseenSourceCount: 0, sourceValues: 16 },
        { description: "origin & dest → distance", violationCount: 0, unseenSourceCount: 12, sourceValues: 104 },
      ],
      combinationVerdict: { verdict: "FAIL", summary: "fail: 187 of 1,000 synthetic rows (18.70%) pair values that the real rows never or almost never pair (real holdout: 0.00%)" },
      impossibleCombinations: [
        { description: "day & time", combinations: ["Sun, Lunch", "Sat, Lunch"], violationCount: 187, violationShare: 0.187, holdoutShare: 0 },
        { description: "marital-status & relationship", combinations: ["Never-married, Husband"], violationCount: 0, violationShare: 0, holdoutShare: 0 },
      ],
    };
    const { client } = fakeClient({ Report: { data: { report } } });
    renderWith(<ReportPage />, client, "/batches/b2/report", "/batches/:batchId/report");
    const orders = await screen.findByRole("table", { name: "Orders the real rows keep and the synthetic rows that break each" });
    expect(within(orders).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["temp_min ≤ temp_max101,168"]);
    expect(screen.getByRole("heading", { name: "Values out of order" })).toBeInTheDocument();
    expect(screen.getByText(/Declare one as an inequality rule/)).toBeInTheDocument();
    const pairs = screen.getByRole("table", { name: "Columns other columns determine and the synthetic rows that break them" });
    expect(within(pairs).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual([
      "country → continent, iso_alpha1,4530142",
      "origin & dest → distance012104",
    ]);
    expect(screen.getByRole("heading", { name: "Columns that other columns determine" })).toBeInTheDocument();
    const ruledOut = screen.getByRole("table", { name: "Combinations the real data rules out and the synthetic rows that have one" });
    expect(within(ruledOut).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["day & timeSun, Lunch; Sat, Lunch187 (18.7 %)0.0 %"]);
    expect(screen.getByRole("heading", { name: "Combinations the real data rules out" })).toBeInTheDocument();
    const scores = screen.getByRole("list", { name: "Scores at a glance" });
    expect(within(scores).getByText("Combinations").parentElement).toHaveTextContent("Combinations FAIL");
    expect(screen.getByText(/^fail: 187 of 1,000 synthetic rows/)).toBeInTheDocument();
  });
});

describe("a report whose rows have a number outside its category's real range", () => {
  it("lists the ranges rows break, not the kept ones, with the verdict at a glance", async () => {
    const report = {
      id: "r5", batchId: "b5", status: "READY", kind: "FULL", qualityScore: 0.91, privacyVerdict: "PASS", targetColumn: "income", error: null,
      createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
      utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [], impossibleCombinations: [],
      totals: [], leaders: [], calendar: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
      rangeVerdict: { verdict: "WARN", summary: "warn: 14 of 2,000 synthetic rows (0.70%) have a number outside the range the real rows give its category (real holdout: 0.00%)" },
      categoryRanges: [
        { description: "age by education = Doctorate: from 24", violationCount: 4, violationShare: 0.002, holdoutShare: 0 },
        { description: "age by education = Prof-school: from 25", violationCount: 10, violationShare: 0.005, holdoutShare: 0.0003 },
        { description: "age by education = Masters: from 18", violationCount: 0, violationShare: 0, holdoutShare: 0 },
      ],
    };
    const { client } = fakeClient({ Report: { data: { report } } });
    renderWith(<ReportPage />, client, "/batches/b5/report", "/batches/:batchId/report");
    const ranges = await screen.findByRole("table", { name: "Ranges a number keeps within a category in the real data and the synthetic rows outside" });
    expect(within(ranges).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual([
      "age by education = Doctorate: from 244 (0.2 %)0.0 %",
      "age by education = Prof-school: from 2510 (0.5 %)0.0 %",
    ]);
    expect(screen.getByRole("heading", { name: "Numbers outside their category's real range" })).toBeInTheDocument();
    expect(screen.getByText(/^warn: 14 of 2,000 synthetic rows/)).toBeInTheDocument();
    const scores = screen.getByRole("list", { name: "Scores at a glance" });
    expect(within(scores).getByText("Ranges").parentElement).toHaveTextContent("Ranges WARN");
  });

  it("shows the pass at a glance and no section where no row breaks a range", async () => {
    const report = {
      id: "r6", batchId: "b6", status: "READY", kind: "FULL", qualityScore: 0.92, privacyVerdict: "PASS", targetColumn: "income", error: null,
      createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
      utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [], impossibleCombinations: [],
      totals: [], leaders: [], calendar: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
      rangeVerdict: { verdict: "PASS", summary: "pass: 0 of 2,000 synthetic rows (0.00%) have a number outside the range the real rows give its category (real holdout: 0.03%)" },
      categoryRanges: [{ description: "age by education = Doctorate: from 24", violationCount: 0, violationShare: 0, holdoutShare: 0 }],
    };
    const { client } = fakeClient({ Report: { data: { report } } });
    renderWith(<ReportPage />, client, "/batches/b6/report", "/batches/:batchId/report");
    const scores = await screen.findByRole("list", { name: "Scores at a glance" });
    expect(within(scores).getByText("Ranges").parentElement).toHaveTextContent("Ranges PASS");
    expect(screen.queryByRole("heading", { name: "Numbers outside their category's real range" })).not.toBeInTheDocument();
  });
});

describe("a report whose rows do not add up or name a loser as the winner", () => {
  const electionReport = (brokenTotal: number, brokenLeader: number) => ({
    id: "r4", batchId: "b4", status: "READY", kind: "FULL", qualityScore: 0.91, privacyVerdict: "PASS", targetColumn: null, error: null,
    createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
    utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [],
    impossibleCombinations: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
    totals: [
      { description: "total = Coderre + Bergeron + Joly", violationCount: brokenTotal, realRows: 58 },
      { description: "subtotal = Coderre + Bergeron", violationCount: 0, realRows: 58 },
    ],
    leaders: [{ description: "winner = the largest of Coderre, Bergeron, Joly", violationCount: brokenLeader, realRows: 58 }],
    calendar: [],
  });

  it("lists the totals that do not add up and the columns naming another, not the kept ones", async () => {
    const { client } = fakeClient({ Report: { data: { report: electionReport(1212, 5) } } });
    renderWith(<ReportPage />, client, "/batches/b4/report", "/batches/:batchId/report");
    const totals = await screen.findByRole("table", { name: "Totals every real row adds up and the synthetic rows that do not" });
    expect(within(totals).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["total = Coderre + Bergeron + Joly1,21258"]);
    expect(screen.getByRole("heading", { name: "Totals that do not add up" })).toBeInTheDocument();
    const leaders = screen.getByRole("table", { name: "Columns that name the largest of others and the synthetic rows that name another" });
    expect(within(leaders).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["winner = the largest of Coderre, Bergeron, Joly558"]);
    expect(screen.getByRole("heading", { name: "Columns that name the largest of others" })).toBeInTheDocument();
  });

  it("shows neither table when every synthetic row adds up and names the largest", async () => {
    const { client } = fakeClient({ Report: { data: { report: electionReport(0, 0) } } });
    renderWith(<ReportPage />, client, "/batches/b4/report", "/batches/:batchId/report");
    expect(await screen.findByRole("list", { name: "Scores at a glance" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Totals that do not add up" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Columns that name the largest of others" })).toBeNull();
  });
});

describe("a report whose rows are no date or no time of day", () => {
  const flightsReport = (noDates: number, noTimes: number) => ({
    id: "r5", batchId: "b5", status: "READY", kind: "FULL", qualityScore: 0.9, privacyVerdict: "PASS", targetColumn: null, error: null,
    createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
    utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [],
    impossibleCombinations: [], totals: [], leaders: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
    calendar: [
      { description: "year, month, day make a date", violationCount: noDates, realRows: 1600 },
      { description: "dep_time is a time of day (hhmm)", violationCount: noTimes, realRows: 1568 },
      { description: "sched_dep_time is a time of day (hhmm)", violationCount: 0, realRows: 1600 },
    ],
  });

  it("lists the dates and times some synthetic rows are not, not the kept ones", async () => {
    const { client } = fakeClient({ Report: { data: { report: flightsReport(1183, 3) } } });
    renderWith(<ReportPage />, client, "/batches/b5/report", "/batches/:batchId/report");
    const calendar = await screen.findByRole("table", { name: "Dates and times of day every real row writes and the synthetic rows that are none" });
    expect(within(calendar).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual([
      "year, month, day make a date1,1831,600",
      "dep_time is a time of day (hhmm)31,568",
    ]);
    expect(screen.getByRole("heading", { name: "Dates and times that do not exist" })).toBeInTheDocument();
  });

  it("shows no table when every synthetic row is a real date and time", async () => {
    const { client } = fakeClient({ Report: { data: { report: flightsReport(0, 0) } } });
    renderWith(<ReportPage />, client, "/batches/b5/report", "/batches/:batchId/report");
    expect(await screen.findByRole("list", { name: "Scores at a glance" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Dates and times that do not exist" })).toBeNull();
    expect(screen.queryByLabelText("Compared with")).toBeNull();
  });

  it("says first, for a conditioned batch, which real rows its scores compare with", async () => {
    const note =
      'generated with the conditions {"sex": "Female"}: quality, fidelity and charts compare it with the 378 real training rows that meet them (of 1,199)';
    const report = { ...flightsReport(0, 0), comparison: { comparedWith: "matching", realRows: 378, note } };
    const { client } = fakeClient({ Report: { data: { report } } });
    renderWith(<ReportPage />, client, "/batches/b5/report", "/batches/:batchId/report");
    expect(await screen.findByLabelText("Compared with")).toHaveTextContent(`Note: ${note}.`);
  });
});

describe("a report whose rows have values where the real rows miss them, or fakes unlike the real ones", () => {
  const marathonReport = (withBrand: number, unlike: number | null) => ({
    id: "r6", batchId: "b6", status: "READY", kind: "FULL", qualityScore: 0.73, privacyVerdict: "PASS", targetColumn: null, error: null,
    createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
    utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [],
    impossibleCombinations: [], totals: [], leaders: [], calendar: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
    missingWhen: [{ description: "ShoeBrand missing where After2004 = 0", violationCount: withBrand, realRows: 602 }],
    writtenForms: [
      { column: "time", unlikeShare: unlike, example: "86.228.88.182", realExample: "11:57:40" },
      { column: "order_id", unlikeShare: 0.0, example: null, realExample: "2015-000002" },
    ],
  });

  it("lists the values the real rows never have there, and the columns written unlike the real values", async () => {
    const { client } = fakeClient({ Report: { data: { report: marathonReport(73, 1) } } });
    renderWith(<ReportPage />, client, "/batches/b6/report", "/batches/:batchId/report");
    const missing = await screen.findByRole("table", { name: "Columns every real row with a value misses and the synthetic rows that have them" });
    expect(within(missing).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["ShoeBrand missing where After2004 = 073602"]);
    const forms = screen.getByRole("table", { name: "Columns whose synthetic values are written in a form no real value has" });
    expect(within(forms).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["time100.0 %86.228.88.18211:57:40"]);
  });

  it("shows neither table when the synthetic rows keep them missing and write fakes like the real ones", async () => {
    const { client } = fakeClient({ Report: { data: { report: marathonReport(0, 0.02) } } });
    renderWith(<ReportPage />, client, "/batches/b6/report", "/batches/:batchId/report");
    expect(await screen.findByRole("list", { name: "Scores at a glance" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Values where the real rows have none" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Ids and personal data written unlike the real values" })).toBeNull();
  });
});

describe("a report whose order lines disagree, or whose phones come in another mix of forms", () => {
  const pizzaReport = (broken: number, gap: number | null) => ({
    id: "r8", batchId: "b8", status: "READY", kind: "FULL", qualityScore: 0.81, privacyVerdict: "PASS", targetColumn: null, error: null,
    createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
    utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [],
    impossibleCombinations: [], totals: [], leaders: [], calendar: [], missingWhen: [], uniqueKeys: [], tables: [], links: [], sequences: [],
    alerts: [], multiTableQuality: null,
    groupConstants: [
      { description: "date, time constant within each order_id", violationCount: broken, realGroups: 312, realRepeatedShare: 0.107, syntheticRepeatedShare: 0.087 },
    ],
    writtenForms: [{ column: "phone", unlikeShare: 0.0, formGap: gap, example: null, realExample: "(555) 010-1234" }],
  });

  it("lists the groups whose synthetic rows differ and the phones written in another mix of the real forms", async () => {
    const { client } = fakeClient({ Report: { data: { report: pizzaReport(41, 0.5) } } });
    renderWith(<ReportPage />, client, "/batches/b8/report", "/batches/:batchId/report");
    const groups = await screen.findByRole("table", { name: "Columns constant within each real group and the synthetic rows breaking it" });
    expect(within(groups).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual([
      "date, time constant within each order_id4131210.7 % / 8.7 %",
    ]);
    const forms = screen.getByRole("table", { name: "Columns whose synthetic values are written in a form no real value has" });
    expect(within(forms).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["phone0.0 %50.0 %(555) 010-1234"]);
  });

  it("shows neither table when every group is alike and the phones keep the real mix", async () => {
    const { client } = fakeClient({ Report: { data: { report: pizzaReport(0, 0.05) } } });
    renderWith(<ReportPage />, client, "/batches/b8/report", "/batches/:batchId/report");
    expect(await screen.findByRole("list", { name: "Scores at a glance" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Groups whose rows should be alike" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Ids and personal data written unlike the real values" })).toBeNull();
  });
});

describe("a report whose rows repeat a key no two real rows share", () => {
  const hfiReport = (repeats: number) => ({
    id: "r7", batchId: "b7", status: "READY", kind: "FULL", qualityScore: 0.77, privacyVerdict: "PASS", targetColumn: null, error: null,
    createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: null, utility: null,
    utilityNote: null, privacy: null, charts: null, conformance: null, htmlUrl: null, rules: [], orderings: [], dependencies: [],
    impossibleCombinations: [], totals: [], leaders: [], calendar: [], missingWhen: [], writtenForms: [], tables: [], links: [], sequences: [],
    alerts: [], multiTableQuality: null,
    uniqueKeys: [
      { description: "one row per countries and year", violationCount: repeats, unavoidableCount: 6, realRows: 805 },
      { description: "one row per ISO_code and year", violationCount: 0, unavoidableCount: 0, realRows: 805 },
    ],
  });

  it("lists the keys the synthetic rows repeat, with how many more rows than the real years allow", async () => {
    const { client } = fakeClient({ Report: { data: { report: hfiReport(95) } } });
    renderWith(<ReportPage />, client, "/batches/b7/report", "/batches/:batchId/report");
    const keys = await screen.findByRole("table", { name: "Names and years no two real rows share and the synthetic rows repeating one" });
    expect(within(keys).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["one row per countries and year956805"]);
  });

  it("shows no table when no synthetic row repeats a key", async () => {
    const { client } = fakeClient({ Report: { data: { report: hfiReport(0) } } });
    renderWith(<ReportPage />, client, "/batches/b7/report", "/batches/:batchId/report");
    expect(await screen.findByRole("list", { name: "Scores at a glance" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Keys the real rows never repeat" })).toBeNull();
  });
});

describe("a report's utility at a glance", () => {
  const reportWith = (metric: { name: string; synthetic: number | null; real: number | null; ratio: number | null }) => ({
    id: "r3", batchId: "b3", status: "READY", kind: "FULL", qualityScore: 0.62, privacyVerdict: "PASS", targetColumn: null, error: null,
    createdAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-01T10:00:09Z", sampleSizes: null, quality: null, fidelity: { mean_score: 0.88 },
    utility: { target_column: "gdpPercap", target_reason: "the last predictable column, a number to predict (regression); passed over: centroid_lat (a coordinate)", task: "regression", metrics: [metric] }, utilityNote: null, privacy: null, charts: null, conformance: null,
    htmlUrl: null, rules: [], orderings: [], dependencies: [], impossibleCombinations: [], totals: [], leaders: [], calendar: [], tables: [], links: [], sequences: [], alerts: [], multiTableQuality: null,
  });
  const glance = async (metric: Parameters<typeof reportWith>[0]) => {
    const { client } = fakeClient({ Report: { data: { report: reportWith(metric) } } });
    const view = renderWith(<ReportPage />, client, "/batches/b3/report", "/batches/:batchId/report");
    const scores = await screen.findByRole("list", { name: "Scores at a glance" });
    const text = within(scores).getByText("Utility").parentElement?.textContent;
    // Which column utility predicts, and why that one.
    expect(screen.getByRole("heading", { name: "Utility: predicting gdpPercap" })).toBeInTheDocument();
    expect(screen.getByText(/Why this column: .*passed over: centroid_lat \(a coordinate\)/)).toBeInTheDocument();
    view.unmount();
    return text;
  };

  it("is a share of the real model's score, or both scores where a share says nothing", async () => {
    expect(await glance({ name: "roc_auc", synthetic: 0.81, real: 0.9, ratio: 0.9 })).toBe("Utility 90.0 % of real");
    // An r² below zero is worse than predicting the mean: "−15.0 % of real" and "– of real" said nothing.
    expect(await glance({ name: "r2", synthetic: -0.186, real: -0.303, ratio: null })).toBe("Utility r2 -0.19 (real -0.30)");
    expect(await glance({ name: "r2", synthetic: -0.07, real: 0.46, ratio: -0.15 })).toBe("Utility r2 -0.07 (real 0.46)");
  });
});
