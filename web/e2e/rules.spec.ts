import { expect, test } from "@playwright/test";
import path from "node:path";
import { expectAccessible, SHARED, shot, signUpWithDataset, watchConsole } from "./support";

// Rules on a dataset, as an editor declares them: a rule every real row obeys, one the real
// rows break (said, with the count), a refused one (said), one removed; a reload shows what
// was saved.
test("declare, read and remove a dataset's rules", async ({ page }, info) => {
  test.setTimeout(300_000);
  const console = watchConsole(page);
  await signUpWithDataset(page, "e2e-rules", "Weather", path.join(SHARED, "datasets", "daily-min-temperatures.csv"));

  const rules = page.getByRole("list", { name: "Rules" });
  const form = page.getByRole("form", { name: "New rule" });
  await expect(page.getByRole("heading", { name: "Rules" })).toBeVisible();
  await form.getByLabel("Rule kind").selectOption("POSITIVE");
  await form.getByLabel("Column", { exact: true }).selectOption("Temp");
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(rules.getByRole("listitem")).toHaveText(["Temp ≥ 0 — every real row obeys itRemove rule"]);

  await form.getByLabel("Rule kind").selectOption("RANGE");
  await form.getByLabel("Column", { exact: true }).selectOption("Date");
  await form.getByLabel("Low", { exact: true }).fill("1982-01-01");
  await page.getByRole("button", { name: "Add rule" }).click();
  // 1981 is before the bound: its 365 days break the rule, which is kept and said.
  await expect(rules.getByRole("listitem").nth(1)).toContainText("365 real rows break it");

  await form.getByLabel("Rule kind").selectOption("POSITIVE");
  await form.getByLabel("Column", { exact: true }).selectOption("Date");
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByRole("alert")).toContainText("'Date' is not a numeric column");
  await expect(rules.getByRole("listitem")).toHaveCount(2);

  await rules.getByRole("listitem").first().getByRole("button", { name: "Remove rule" }).click();
  await expect(rules.getByRole("listitem")).toHaveCount(1);
  await expectAccessible(page, "dataset rules");
  await page.getByRole("heading", { name: "Rules" }).scrollIntoViewIfNeeded();
  await shot(page, info, "dataset-rules");

  await page.reload();
  await expect(page.getByRole("list", { name: "Rules" }).getByRole("listitem")).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByRole("list", { name: "Rules" })).toContainText("Date");
  console.expectClean();
});
