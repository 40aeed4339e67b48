import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADULT, createProject, expectAccessible, shot, signUp, uniqueEmail, watchConsole } from "./support";

// The whole way through, as a person does it: sign up → new project → upload adult-train.csv →
// change a column's type → train gaussian_copula and watch it live → generate 1,000 rows →
// the report and its charts → download CSV. Every page on the way passes axe-core.
test("sign up, upload, train live, generate, report, download", async ({ page }, info) => {
  test.setTimeout(900_000);
  const console = watchConsole(page);
  await signUp(page, uniqueEmail("e2e-main"));
  await expectAccessible(page, "projects");
  await shot(page, info, "projects");

  await createProject(page, "Census");
  await expect(page.getByRole("heading", { name: "Census" })).toBeVisible();
  await expectAccessible(page, "project");

  await page.getByRole("link", { name: "Upload dataset" }).click();
  await page.getByLabel("File").setInputFiles(ADULT);
  await expectAccessible(page, "upload");
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await expect(page.getByRole("heading", { name: "adult-train" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText("ready", { exact: true })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByRole("img", { name: "Correlation heatmap of the dataset's columns" })).toBeVisible({ timeout: 60_000 });
  await expectAccessible(page, "dataset");
  await shot(page, info, "dataset");
  await page.getByRole("heading", { name: "Statistics" }).scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 120);
  await shot(page, info, "dataset-statistics");

  // column_2 (workclass) is read as categorical; column_1 (age) as numerical: make it categorical.
  const age = page.getByLabel("Type of column_1", { exact: true });
  await age.selectOption("categorical");
  await page.getByRole("button", { name: "Save column types" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Column types saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Type of column_1", { exact: true })).toHaveValue("categorical");

  const bell = page.getByRole("link", { name: /^Notifications \(\d+ unread\)$/ });
  const unreadBefore = Number(/\((\d+) unread\)/.exec((await bell.getAttribute("aria-label")) ?? "")?.[1]);

  await page.getByRole("link", { name: "Train model" }).click();
  await page.getByRole("radio", { name: /gaussian_copula/ }).check();
  await expectAccessible(page, "train");
  await page.getByRole("button", { name: "Train model" }).click();

  const progress = page.getByRole("progressbar", { name: "Job progress" });
  await expect(progress).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel job" })).toBeVisible();
  await expectAccessible(page, "job");
  await shot(page, info, "training");
  // Opened while queued, the page learns the start time once the job runs, without a reload.
  const started = page.locator("dl.facts dt", { hasText: "Started" }).locator("xpath=following-sibling::dd[1]");
  await expect(started).not.toHaveText("–", { timeout: 240_000 });
  // Live: the page is never reloaded; the subscription moves the bar to 100 %.
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 240_000 });
  await expect(page.getByText("Finished.")).toBeVisible();
  await shot(page, info, "training-done");
  // The bell counts up when the job ends (notifications subscription), still without a reload.
  await expect
    .poll(async () => Number(/\((\d+) unread\)/.exec((await bell.getAttribute("aria-label")) ?? "")?.[1]), { timeout: 60_000 })
    .toBeGreaterThan(unreadBefore);

  await page.getByRole("link", { name: "Open the model" }).click();
  await expect(page.getByText("ready", { exact: true })).toBeVisible();
  await page.getByLabel("Rows").fill("1000");
  await expectAccessible(page, "model");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("heading", { name: "Synthetic batch" })).toBeVisible();
  await expect(page.getByText("ready", { exact: true })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText("1,000", { exact: true })).toBeVisible();
  await expectAccessible(page, "batch");
  await shot(page, info, "batch");

  await page.getByRole("link", { name: "Open the evaluation report" }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("list", { name: "Scores at a glance" })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 240_000 });
  await expect(page.getByRole("img", { name: "Real correlations heatmap" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Synthetic correlations heatmap" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Difference (synthetic − real) heatmap" })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Real and synthetic distribution of / })).toHaveCount(15);
  await expect(page.locator("body")).toHaveAttribute("data-report-charts", "18");
  await expect(page.getByRole("heading", { name: /^Privacy: (PASS|WARN|FAIL)$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open the full HTML report" })).toBeVisible();
  await expectAccessible(page, "report");
  await shot(page, info, "report");

  await page.getByRole("link", { name: "Batch", exact: true }).click();
  await page.getByLabel("Format").selectOption("CSV");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
  const file = await download.path();
  const lines = readFileSync(file, "utf-8").split("\n").filter((line) => line.length > 0);
  expect(lines.length).toBe(1001); // header + 1,000 rows

  for (const [link, heading] of [
    ["Jobs", "Your jobs"],
    ["Templates", "Templates"],
    ["Webhooks", "Webhooks"],
    ["Account", "Your account"],
  ] as const) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    await expectAccessible(page, link);
  }
  await bell.click();
  await expect(page.getByRole("heading", { name: "Notifications" })).toBeVisible();
  await expect(page.getByText("Training succeeded").first()).toBeVisible();
  await expectAccessible(page, "notifications");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  console.expectClean();
});
