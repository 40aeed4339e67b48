import { expect, test } from "@playwright/test";
import path from "node:path";
import { createProject, expectAccessible, SHARED, shot, signUp, uniqueEmail } from "./support";

// haberman.csv has no header row: without names its columns are column_1 … column_4.
const HABERMAN = path.join(SHARED, "datasets", "haberman.csv");

test("a file without a header row is uploaded with the column names typed at the upload", async ({ page }, info) => {
  await signUp(page, uniqueEmail("e2e-names"));
  await createProject(page, "Survival");
  await page.getByRole("link", { name: "Upload dataset" }).click();
  await page.getByLabel("File").setInputFiles(HABERMAN);
  await page.getByLabel("Column names (optional)").fill("age, operation_year, positive_nodes, survival");
  await expectAccessible(page, "upload with column names");
  await shot(page, info, "upload-column-names");
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await expect(page.locator("dl.facts").getByText("ready", { exact: true })).toBeVisible({ timeout: 180_000 });
  const columns = page.getByRole("table", { name: "Columns with their detected types" });
  for (const name of ["age", "operation_year", "positive_nodes", "survival"]) {
    await expect(columns.getByRole("row", { name: new RegExp(`^${name}\\b`) })).toBeVisible();
  }
  await expect(columns.getByText("column_1")).toHaveCount(0);
  await expect(page.getByText("306 (")).toBeVisible(); // the first row is a row, not a header

  // Three names for four columns: the dataset says so, and nothing is half-named.
  await page.getByRole("link", { name: "Survival" }).click();
  await page.getByRole("link", { name: "Upload dataset" }).click();
  await page.getByLabel("File").setInputFiles(HABERMAN);
  await page.getByLabel("Dataset name").fill("haberman-3");
  await page.getByLabel("Column names (optional)").fill("age, operation_year, positive_nodes");
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await expect(page.getByText("3 column names were given but the file has 4 columns")).toBeVisible({ timeout: 180_000 });
  await shot(page, info, "upload-column-names-mismatch");
});
