import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  ADULT,
  baseUrl,
  createProject,
  expectAccessible,
  gql,
  PASSWORD,
  registerByApi,
  shot,
  signIn,
  signUp,
  uniqueEmail,
  uploadAndTrainTemps,
  watchConsole,
} from "./support";

test("a wrong password shows an error next to the form", async ({ page, request }, info) => {
  const email = uniqueEmail("e2e-wrong");
  await registerByApi(request, email);
  await signIn(page, email, "not-the-password-1");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign-in with an error");
  await shot(page, info, "wrong-password");
  // The right one still works, and the session survives a reload (refresh cookie).
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  // Nothing readable by the page's scripts holds the refresh token.
  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === "syn_refresh");
  expect(refresh?.httpOnly).toBe(true);
  expect(refresh?.sameSite).toBe("Strict");
  expect(await page.evaluate(() => document.cookie)).not.toContain("syn_refresh");
  expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).toBe("{}{}");
});

test("sign-up shows the password rule at the password field", async ({ page }) => {
  await page.goto(`${baseUrl()}/signup`);
  await expectAccessible(page, "sign-up");
  await page.getByLabel("Email").fill(uniqueEmail("e2e-weak"));
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/at least 10 characters/i).last()).toBeVisible();
});

test("a viewer sees no Train button and gets a clear message on a direct URL", async ({ page, request }, info) => {
  const ownerToken = await registerByApi(request, uniqueEmail("e2e-owner"));
  // A long address with nowhere to break a line (no hyphen), as the top bar must fit on a phone.
  const viewerEmail = `e2e.viewer.${randomUUID().replaceAll("-", "")}@example.com`;
  await registerByApi(request, viewerEmail);
  const { createProject } = await gql<{ createProject: { id: string } }>(
    request,
    'mutation { createProject(input: {name: "Shared census"}) { id } }',
    {},
    ownerToken,
  );
  await gql(request, "mutation($p: ID!, $e: String!) { addProjectMember(projectId: $p, email: $e, role: VIEWER) { userId } }", { p: createProject.id, e: viewerEmail }, ownerToken);
  const upload = await request.post(`${baseUrl()}/upload/datasets?projectId=${createProject.id}&name=adult`, {
    headers: { Authorization: `Bearer ${ownerToken}` },
    data: readFileSync(ADULT),
    timeout: 180_000,
  });
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as { id: string };

  await signIn(page, viewerEmail);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await page.getByRole("link", { name: "Shared census" }).click();
  await expect(page.getByText("Your role: viewer")).toBeVisible();
  await expect(page.getByRole("link", { name: "Upload dataset" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete project" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Invite" })).toHaveCount(0);
  await page.getByRole("link", { name: "adult" }).click();
  await expect(page.getByRole("heading", { name: "adult" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Train model" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Train model" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete dataset" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save column types" })).toHaveCount(0);
  await expectAccessible(page, "dataset as viewer");
  // On a phone the page is as wide as the screen: the top bar wraps, wide tables scroll in place.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const where of ["dataset", "project"]) {
    if (where === "project") {
      await page.getByRole("link", { name: "Shared census" }).click();
      await expect(page.getByRole("table", { name: "Datasets" })).toBeVisible();
    }
    await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport({ ratio: 1 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${where} page width at 390 px`).toBeLessThanOrEqual(390);
  }
  await shot(page, info, "viewer-phone");
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.getByRole("link", { name: "adult" }).click();

  await page.goto(`${baseUrl()}/datasets/${dataset.id}/train`);
  await expect(page.getByRole("alert")).toContainText("You are a viewer in this project");
  await expect(page.getByRole("button", { name: "Train model" })).toHaveCount(0);
  await expectAccessible(page, "train as viewer");
  await shot(page, info, "viewer-train");
});

test("a template run: built-in user, 500 rows, with progress", async ({ page }, info) => {
  const console = watchConsole(page);
  await signUp(page, uniqueEmail("e2e-template"));
  await createProject(page, "Fake people");
  await expect(page.getByRole("heading", { name: "Fake people" })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
  await page.getByRole("button", { name: "Built-in: user" }).click();
  await expect(page.getByRole("heading", { name: "user" })).toBeVisible();
  // Real rows from the server at once, not placeholders.
  const preview = page.getByRole("table", { name: "Preview of the users table" });
  await expect(preview.getByRole("row")).toHaveCount(6);
  await expect(preview).toContainText("@");
  await page.getByLabel("Rows").fill("500");
  await page.getByLabel("Locale").selectOption("de_DE");
  await page.getByLabel("Seed (optional)").fill("7");
  await expectAccessible(page, "templates");
  await shot(page, info, "template");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("heading", { name: "Batch from template user" })).toBeVisible();
  await expect(page.getByText("ready", { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole("table", { name: "First rows of the batch" })).toBeVisible();
  await expect(page.getByText("500", { exact: true })).toBeVisible();
  await shot(page, info, "template-batch");

  // The schema editor shows the server's errors at the field they name.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
  await page.getByRole("button", { name: "Write a schema" }).click();
  await page.getByLabel("Template name").fill("broken");
  await page
    .getByLabel("Schema (JSON)")
    .fill(JSON.stringify({ tables: [{ name: "t", fields: [{ name: "a", type: "no_such_type" }] }] }));
  await page.getByRole("button", { name: "Preview rows" }).click();
  await expect(page.getByRole("alert")).toContainText("tables[0].fields[0].type");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("alert")).toContainText("tables[0].fields[0].type");
  await page
    .getByLabel("Schema (JSON)")
    .fill(JSON.stringify({ tables: [{ name: "t", fields: [{ name: "n", type: "int", min: 5, max: 9 }] }] }));
  await page.getByRole("button", { name: "Preview rows" }).click();
  const rows = page.getByRole("table", { name: "Preview of the t table" });
  await expect(rows.getByRole("row")).toHaveCount(6);
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expectAccessible(page, "schema editor");
  console.expectClean();
});

test("an admin lists users and disables and enables one", async ({ page, request }) => {
  const someone = uniqueEmail("e2e-someone");
  await registerByApi(request, someone);
  await signUp(page, process.env.E2E_ADMIN_EMAIL ?? "");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expectAccessible(page, "users");
  await page.getByRole("button", { name: `Disable ${someone}` }).click();
  await expect(page.getByRole("button", { name: `Enable ${someone}` })).toBeVisible();
  const refused = await request.post(`${baseUrl()}/graphql`, {
    data: { query: 'mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { user { id } } }', variables: { e: someone, p: PASSWORD } },
  });
  expect(JSON.stringify(await refused.json())).toContain("disabled");
  await page.getByRole("button", { name: `Enable ${someone}` }).click();
  await expect(page.getByRole("button", { name: `Disable ${someone}` })).toBeVisible();
  // On a phone the table scrolls in its box; the emails its buttons name for screen readers
  // scroll (and clip) with it rather than widening the page.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("button", { name: `Disable ${someone}` })).toBeAttached();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a viewer sees the batches the owner generated, under the model they came from", async ({ page, request }, info) => {
  test.setTimeout(300_000);
  const ownerToken = await registerByApi(request, uniqueEmail("e2e-owner"));
  const viewerEmail = uniqueEmail("e2e-viewer");
  await registerByApi(request, viewerEmail);
  const { createProject } = await gql<{ createProject: { id: string } }>(
    request,
    'mutation { createProject(input: {name: "Shared temperatures"}) { id } }',
    {},
    ownerToken,
  );
  await gql(request, "mutation($p: ID!, $e: String!) { addProjectMember(projectId: $p, email: $e, role: VIEWER) { userId } }", { p: createProject.id, e: viewerEmail }, ownerToken);
  const { modelId } = await uploadAndTrainTemps(request, ownerToken, createProject.id);
  const { generate } = await gql<{ generate: { batch: { id: string } } }>(
    request,
    "mutation($m: ID!) { generate(input: {modelId: $m, count: 50, seed: 2}) { batch { id } } }",
    { m: modelId },
    ownerToken,
  );

  await signIn(page, viewerEmail);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await page.goto(`${baseUrl()}/models/${modelId}`);
  const batches = page.getByRole("table", { name: "Batches" });
  await expect(batches.getByRole("link", { name: `Batch ${generate.batch.id}` })).toBeVisible();
  await expect(page.getByText("No batches yet.")).toHaveCount(0);
  await shot(page, info, "viewer-model-batches");
});
