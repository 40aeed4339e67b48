import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";

export const PASSWORD = "correct-horse-42";
export const REPO = path.resolve(import.meta.dirname, "..", "..");
export const SHARED = process.env.SYNTHETICA_SHARED ?? path.resolve(REPO, "..", "shared");
export const ADULT = path.join(SHARED, "datasets", "adult-train.csv");
export const SCREENSHOTS = path.resolve(import.meta.dirname, "..", "test-results", "screenshots");

export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set (global-setup starts the stack)");
  return url;
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 10)}@example.com`;
}

/** A screenshot of the step, kept under test-results/screenshots/<test>/ (a test artifact). */
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const folder = path.join(SCREENSHOTS, info.title.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${String(info.attachments.length + 1).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  await info.attach(name, { path: file, contentType: "image/png" });
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${where}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
  ).toEqual([]);
}

/** Records CSP violations and page errors; `expectClean()` fails the test on any. */
export function watchConsole(page: Page): { expectClean: () => void } {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { expectClean: () => expect(problems).toEqual([]) };
}

export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto(`${baseUrl()}/signup`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  // Argon2id hashing on a busy 2-core machine can take a while.
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible({ timeout: 90_000 });
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${baseUrl()}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** GraphQL as a script would call it (setting up data a test is not about). */
export async function gql<T = Record<string, unknown>>(
  request: APIRequestContext,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await request.post(`${baseUrl()}/graphql`, {
    data: { query, variables },
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

export async function registerByApi(request: APIRequestContext, email: string): Promise<string> {
  const data = await gql<{ register: { tokens: { accessToken: string } } }>(
    request,
    "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p}) { tokens { accessToken } } }",
    { e: email, p: PASSWORD },
  );
  return data.register.tokens.accessToken;
}

/** A small "temps" table uploaded to a project and a gaussian_copula model trained on it
 * (named `modelName`, if given) until READY, by API: the ids a test goes on with. */
export async function uploadAndTrainTemps(
  request: APIRequestContext,
  token: string,
  projectId: string,
  modelName?: string,
): Promise<{ datasetId: string; modelId: string }> {
  const csv = ["day,temp", ...Array.from({ length: 200 }, (_, i) => `${i % 7},${(10 + (i % 13) * 0.7).toFixed(1)}`)].join("\n");
  const upload = await request.post(`${baseUrl()}/upload/datasets?projectId=${projectId}&name=temps`, {
    headers: { Authorization: `Bearer ${token}` },
    data: csv,
    timeout: 180_000,
  });
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as { id: string };
  const named = modelName ? `, name: ${JSON.stringify(modelName)}` : "";
  const { trainModel } = await gql<{ trainModel: { model: { id: string } } }>(
    request,
    `mutation($d: ID!) { trainModel(input: {datasetId: $d, engine: "gaussian_copula"${named}, seed: 1}) { model { id } } }`,
    { d: dataset.id },
    token,
  );
  const modelId = trainModel.model.id;
  const modelStatus = async () =>
    (await gql<{ model: { status: string } }>(request, "query($m: ID!) { model(id: $m) { status } }", { m: modelId }, token)).model.status;
  await expect.poll(modelStatus, { timeout: 180_000, intervals: [1_000] }).toBe("READY");
  return { datasetId: dataset.id, modelId };
}

/** A new project through the dashboard, from the projects page; the page goes to it. */
export async function createProject(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name: "New project" }).click();
  await page.getByLabel("Project name").fill(name);
  await page.getByRole("button", { name: "Create", exact: true }).click();
}

/** Uploads `file` from the open project's page, and waits until the dataset is ready. */
export async function uploadReady(page: Page, file: string): Promise<void> {
  await page.getByRole("link", { name: "Upload dataset" }).click();
  await page.getByLabel("File").setInputFiles(file);
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await expect(page.locator("dl.facts").getByText("ready", { exact: true })).toBeVisible({ timeout: 180_000 });
}

/** A new user with a project (`name`), set up by the API, signed in to the dashboard. */
export async function signedInWithProject(page: Page, request: APIRequestContext, email: string, name: string): Promise<string> {
  const token = await registerByApi(request, email);
  const { createProject } = await gql<{ createProject: { id: string } }>(
    request,
    "mutation($n: String!) { createProject(input: {name: $n}) { id } }",
    { n: name },
    token,
  );
  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible({ timeout: 90_000 });
  return createProject.id;
}

/** A new user, signed up through the dashboard, with a project holding `file` as a ready dataset. */
export async function signUpWithDataset(page: Page, emailPrefix: string, project: string, file: string): Promise<void> {
  await signUp(page, uniqueEmail(emailPrefix));
  await createProject(page, project);
  await uploadReady(page, file);
}
