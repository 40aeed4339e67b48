import { expect, test } from "@playwright/test";
import path from "node:path";
import { expectAccessible, REPO, shot, signUpWithDataset, watchConsole } from "./support";

const FIXTURES = path.join(REPO, "tests", "fixtures", "relational");

// A dataset of several tables, as a person builds it: upload flights, add airlines and airports
// as tables, see the link found by names and values, link flights to airports by destination
// instead (refused while flights has its other parent, said at the link), save, and read the
// real orphans of that link as a sentence; then remove a table.
test("add tables to a dataset, see and fix its links, read its orphans", async ({ page }, info) => {
  test.setTimeout(300_000);
  const console = watchConsole(page);
  await signUpWithDataset(page, "e2e-tables", "Flights", path.join(FIXTURES, "flights.csv"));

  const tables = page.getByRole("table", { name: "The dataset's tables" });
  for (const name of ["airlines", "airports"]) {
    await page.getByLabel("Table file").setInputFiles(path.join(FIXTURES, `${name}.csv`));
    await expect(page.getByLabel("Table name")).toHaveValue(name);
    await page.getByRole("button", { name: "Add table" }).click();
    await expect(tables.getByRole("row").filter({ hasText: name })).toContainText("ready", { timeout: 120_000 });
  }
  const links = page.getByRole("list", { name: "Links between tables" });
  await expect(links.getByText("flights.carrier → airlines.carrier", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Primary key of airports")).toHaveValue("faa");

  await page.getByLabel("Parent table").selectOption("airports");
  await page.getByLabel("Child table").selectOption("flights");
  await page.getByLabel("Child column").selectOption("dest");
  await page.getByRole("button", { name: "Add link" }).click();
  await page.getByRole("button", { name: "Save keys and links" }).click();
  // A table learns from one parent: the error is said at the link, and nothing is saved.
  await expect(links.getByText("flights already has a parent (airlines)")).toBeVisible();
  await page.getByRole("button", { name: "Remove link flights.carrier → airlines.carrier" }).click();
  await page.getByRole("button", { name: "Save keys and links" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Keys and links saved." })).toBeVisible();
  const orphans = page.getByRole("list", { name: "Problems of flights.dest → airports.faa" });
  await expect(orphans).toContainText("26 flights rows have a dest that airports does not have (e.g.");
  await expectAccessible(page, "dataset tables");
  await page.getByRole("heading", { name: "Tables and links" }).scrollIntoViewIfNeeded();
  await shot(page, info, "dataset-tables");

  // Saved on the server: a reload shows the same links.
  await page.reload();
  const saved = page.getByRole("list", { name: "Links between tables" });
  await expect(saved.getByText("flights.dest → airports.faa", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(saved.getByText("flights.carrier → airlines.carrier", { exact: true })).toHaveCount(0);

  // Removing a table asks first; its link goes with it.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Remove table airports" }).click();
  await expect(page.getByRole("table", { name: "The dataset's tables" }).getByRole("row").filter({ hasText: "airports" })).toHaveCount(0);
  await expect(saved.getByText("flights.dest → airports.faa", { exact: true })).toHaveCount(0);
  console.expectClean();
});

// Learned and generated as linked tables: airlines and their flights, trained with hma, 20
// airlines generated with their flights, and a report that reads the link first.
test("train linked tables, generate parents with their children, read the link in the report", async ({ page }, info) => {
  test.setTimeout(600_000);
  const console = watchConsole(page);
  await signUpWithDataset(page, "e2e-linked", "Airlines", path.join(FIXTURES, "airlines.csv"));
  await page.getByLabel("Table file").setInputFiles(path.join(FIXTURES, "flights.csv"));
  await page.getByRole("button", { name: "Add table" }).click();
  const links = page.getByRole("list", { name: "Links between tables" });
  await expect(links.getByText("flights.carrier → airlines.carrier", { exact: true })).toBeVisible({ timeout: 120_000 });

  await page.getByRole("link", { name: "Train model" }).click();
  await expect(page.getByText(/This dataset holds several linked tables/)).toBeVisible();
  await expect(page.getByRole("radio", { name: /gaussian_copula/ })).toBeDisabled();
  await page.getByRole("radio", { name: /^hma/ }).check();
  await page.getByRole("button", { name: "Train model" }).click();
  await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 300_000 });
  await page.getByRole("link", { name: "Open the model" }).click();
  await page.getByLabel("Rows").fill("20");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("heading", { name: "Synthetic batch" })).toBeVisible();
  await page.getByRole("link", { name: "Open the evaluation report" }).click({ timeout: 240_000 });
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("heading", { name: "Links" })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 240_000 });
  const link = page.getByRole("table", { name: "Each link between tables in the synthetic data" }).getByRole("row", { name: /flights\.carrier → airlines\.carrier/ });
  await expect(link).toContainText("100.0 % of");
  await expect(page.getByRole("table", { name: "Each table's own report" }).getByRole("row")).toHaveCount(3);
  await expect(page.getByRole("img", { name: "Real and synthetic flights per airlines" })).toBeVisible();
  await expectAccessible(page, "report of linked tables");
  await shot(page, info, "report-linked");
  console.expectClean();
});
