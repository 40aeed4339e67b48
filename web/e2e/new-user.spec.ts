import { expect, test } from "@playwright/test";
import { baseUrl, expectAccessible, gql, registerByApi, shot, signIn, uniqueEmail, uploadAndTrainTemps } from "./support";

// What a new user tripped over: a favicon 404 on every page, a JSON 404 at an address typed by
// hand, jobs told apart only by ids, a train form offering what the engine ignores, and an
// "Evaluation ready" notification that led nowhere.
test("a new user's first steps: favicon, typed addresses, named jobs, the engine's own parameters, the report from its notification", async ({ page, request }, info) => {
  const notFound: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /status of 404/.test(message.text())) notFound.push(message.text());
  });

  // The favicon the page links to is served; API paths still answer JSON 404s.
  const favicon = await request.get(`${baseUrl()}/favicon.svg`);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toContain("image/svg+xml");
  const api = await request.get(`${baseUrl()}/graphql/nothing`);
  expect(api.status()).toBe(404);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");

  const email = uniqueEmail("e2e-newuser");
  const token = await registerByApi(request, email);
  const { createProject } = await gql<{ createProject: { id: string } }>(request, 'mutation { createProject(input: {name: "First steps"}) { id } }', {}, token);
  const { datasetId, modelId } = await uploadAndTrainTemps(request, token, createProject.id, "temps by copula");
  const { generate } = await gql<{ generate: { batch: { id: string } } }>(request, "mutation($m: ID!) { generate(input: {modelId: $m, count: 50, seed: 2}) { batch { id } } }", { m: modelId }, token);

  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", "/favicon.svg");

  // Addresses typed by hand open the app: its own not-found page, with the app around it.
  for (const typed of ["/login", "/dashboard"]) {
    await page.goto(`${baseUrl()}${typed}`);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Jobs" })).toBeVisible();
  }

  // The jobs list names each job's model, engine and dataset.
  await page.getByRole("link", { name: "Jobs" }).click();
  const jobs = page.getByRole("table", { name: "Jobs" });
  const train = jobs.getByRole("row").filter({ hasText: "train" });
  await expect(train.getByRole("link", { name: "temps by copula" })).toBeVisible();
  await expect(train).toContainText("gaussian_copula");
  await expect(train.getByRole("link", { name: "temps", exact: true })).toHaveAttribute("href", `/datasets/${datasetId}`);
  await expect(jobs.getByRole("row").filter({ hasText: "generate" }).getByRole("link", { name: "temps by copula" })).toBeVisible();
  await expectAccessible(page, "jobs list");
  await shot(page, info, "jobs-named");

  // The train form offers only what the engine takes.
  await page.goto(`${baseUrl()}/datasets/${datasetId}/train`);
  await page.getByRole("radio", { name: /ctgan/ }).check();
  await expect(page.getByLabel("batch_size", { exact: true })).toBeVisible();
  await page.getByRole("radio", { name: /gaussian_copula/ }).check();
  await expect(page.getByLabel("batch_size", { exact: true })).toHaveCount(0);
  await expect(page.getByLabel("epochs", { exact: true })).toHaveCount(0);

  // "Evaluation ready" opens the batch's report.
  await page.goto(`${baseUrl()}/notifications`);
  // The list is live: a notification that comes after the page opened shows without a reload.
  const ready = page.getByRole("link", { name: "Evaluation ready" });
  await expect(ready).toBeVisible({ timeout: 180_000 });
  await ready.click();
  await expect(page.getByRole("heading", { name: "Evaluation report" })).toBeVisible();
  expect(page.url()).toBe(`${baseUrl()}/batches/${generate.batch.id}/report`);

  expect(notFound).toEqual([]);
});
