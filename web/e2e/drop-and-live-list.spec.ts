import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ADULT, baseUrl, expectAccessible, shot, signedInWithProject, uniqueEmail, watchConsole } from "./support";

/** Drops a file on the element as a person dragging it from their file manager would:
 * dragenter, dragover and drop with a DataTransfer holding the file. */
async function dropFile(page: Page, target: ReturnType<Page["locator"]>, name: string, content: string) {
  const transfer = await page.evaluateHandle(
    ([fileName, text]) => {
      const data = new DataTransfer();
      data.items.add(new File([text], fileName, { type: "text/csv" }));
      return data;
    },
    [name, content] as const,
  );
  await target.dispatchEvent("dragenter", { dataTransfer: transfer });
  await target.dispatchEvent("dragover", { dataTransfer: transfer });
  await target.dispatchEvent("drop", { dataTransfer: transfer });
}

// Drag-and-drop upload, with the notifications list open in a second tab: the dataset's
// "ready" notification appears in that list while it stays open (the `notifications`
// subscription), with no reload.
test("drop a CSV on the upload page; the open notifications list shows it is ready", async ({ page, context, request }, info) => {
  const email = uniqueEmail("e2e-drop");
  const console = watchConsole(page);
  const projectId = await signedInWithProject(page, request, email, "Dropped census");

  const list = await context.newPage();
  await list.goto(`${baseUrl()}/notifications`);
  await expect(list.getByRole("heading", { name: "Notifications" })).toBeVisible({ timeout: 90_000 });
  await expect(list.getByText("Welcome to Synthetica", { exact: true })).toBeVisible();
  await expect(list.getByText("Dataset census-sample is ready", { exact: true })).toHaveCount(0);

  await page.goto(`${baseUrl()}/projects/${projectId}/upload`);
  const zone = page.getByRole("group", { name: "Drop zone" });
  await expect(zone).toBeVisible();
  // The first 2,000 rows of adult-train.csv (a file with no header row).
  const sample = readFileSync(ADULT, "utf-8").split("\n").slice(0, 2000).join("\n") + "\n";
  await dropFile(page, zone, "census-sample.csv", sample);
  await expect(page.getByText(/Selected: census-sample\.csv/)).toBeVisible();
  // The name is taken from the file, as with the file picker.
  await expect(page.getByLabel("Dataset name")).toHaveValue("census-sample");
  await expectAccessible(page, "upload after a drop");
  await shot(page, info, "dropped");
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await expect(page.getByRole("heading", { name: "census-sample" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText("ready", { exact: true })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText(/^2,000 \(/)).toBeVisible();

  // The other tab was never reloaded.
  const item = list.getByRole("listitem").filter({ hasText: "Dataset census-sample is ready" });
  await expect(item).toBeVisible({ timeout: 60_000 });
  await expect(item).toContainText("unread");
  await expect(list.getByRole("listitem").first()).toContainText("Dataset census-sample is ready");
  await shot(list, info, "notifications-live");
  await item.getByRole("button", { name: "Mark “Dataset census-sample is ready” read" }).click();
  await expect(item).not.toContainText("unread");
  // The notification leads to the dataset it is about.
  const datasetUrl = page.url();
  await item.getByRole("link", { name: "Dataset census-sample is ready" }).click();
  await expect(list.getByRole("heading", { name: "census-sample" })).toBeVisible();
  expect(list.url()).toBe(datasetUrl);
  console.expectClean();
});

test("dropping a file that is not a table says so at the upload", async ({ page, request }, info) => {
  const email = uniqueEmail("e2e-drop-bad");
  const projectId = await signedInWithProject(page, request, email, "Not a table");
  await page.goto(`${baseUrl()}/projects/${projectId}/upload`);
  await dropFile(page, page.getByRole("group", { name: "Drop zone" }), "notes.png", "\u0089PNG not a table");
  await expect(page.getByText(/Selected: notes\.png/)).toBeVisible();
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await expect(page.getByRole("alert")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("alert")).not.toContainText("{");
  await shot(page, info, "not-a-table");
});
