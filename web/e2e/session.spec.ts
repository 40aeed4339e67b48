import { expect, test } from "@playwright/test";
import { baseUrl, createProject, expectAccessible, PASSWORD, shot, signUp, uniqueEmail } from "./support";

test("a session that ends mid-use leads to sign-in, which says why and returns to the page; Sign out does not", async ({ context, page }, info) => {
  const email = uniqueEmail("e2e-ended");
  await signUp(page, email);
  await createProject(page, "Session project");
  await expect(page.getByRole("heading", { name: "Session project" })).toBeVisible();
  // Each page names its tab (and its entry in the history list) after its heading.
  await expect(page).toHaveTitle("Session project · Synthetica");
  // The new page has the focus, at its content (not on a link that led there, now gone).
  await expect(page.locator("main")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("main").getByRole("link", { name: "Projects" })).toBeFocused();
  const projectUrl = page.url();

  // A second tab signs out: the refresh cookie both tabs share is revoked on the server.
  const other = await context.newPage();
  await other.goto(`${baseUrl()}/projects`);
  await other.getByRole("button", { name: "Sign out" }).click();
  await expect(other.getByRole("button", { name: "Sign in" })).toBeVisible();

  // The first tab's access token is then refused as an expired one is, a quarter of an hour
  // later: the next requests carry a token the gateway rejects (UNAUTHENTICATED). Queries
  // are GETs with the query in the URL, hence the pattern.
  const graphql = /\/graphql(\?|$)/;
  await page.route(graphql, async (route) => {
    const headers = { ...route.request().headers(), authorization: "Bearer expired.access.token" };
    await route.fulfill({ response: await route.fetch({ headers }) });
  });
  await page.getByRole("link", { name: "Jobs" }).click();

  // Not "Wrong email or password." on an empty page: the sign-in form, saying what happened.
  await expect(page.getByRole("status").filter({ hasText: "Your session has ended" })).toBeVisible();
  await expect(page.getByText("Wrong email or password.")).toHaveCount(0);
  await expectAccessible(page, "sign-in after the session ended");
  await shot(page, info, "session-ended");

  await page.unroute(graphql);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  expect(page.url()).toBe(`${baseUrl()}/jobs`);
  await expect(page).toHaveTitle("Your jobs · Synthetica");
  // Signing out here is not a session that "ended": no such notice afterwards.
  await page.goto(projectUrl);
  await expect(page.getByRole("heading", { name: "Session project" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Your session has ended")).toHaveCount(0);
  // The next sign-in (maybe someone else's) starts at the projects list, not at the page the
  // last user left.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  expect(page.url()).toBe(`${baseUrl()}/projects`);
});

test("tabs opened at the same moment all stay signed in", async ({ context, page }) => {
  const email = uniqueEmail("e2e-tabs");
  await signUp(page, email);
  await createProject(page, "Tabs project");
  await expect(page.getByRole("heading", { name: "Tabs project" })).toBeVisible();
  const projectUrl = page.url();
  // Each new tab renews its access token from the refresh cookie they share as it loads; the
  // cookie turns over on every renewal, and a used one sent again ends every session of the
  // login (reuse detection). Four tabs opened at once (a restored window, links opened in new
  // tabs) used to send the same cookie together and sign each other out.
  const tabs = await Promise.all(Array.from({ length: 4 }, () => context.newPage()));
  await Promise.all(tabs.map((tab) => tab.goto(projectUrl)));
  for (const tab of tabs) {
    await expect(tab.getByRole("heading", { name: "Tabs project" })).toBeVisible();
  }
  await page.reload();
  await expect(page.getByRole("heading", { name: "Tabs project" })).toBeVisible();
});

test("a renewal whose answer never arrived, then a reload, stays signed in", async ({ context, page, playwright }) => {
  await signUp(page, uniqueEmail("e2e-lost"));
  await createProject(page, "Lost answer");
  await expect(page.getByRole("heading", { name: "Lost answer" })).toBeVisible();
  const projectUrl = page.url();
  // The next renewal reaches the server, which turns the refresh cookie over, but its answer
  // (and the new cookie) never reaches the browser: the connection drops. It is sent from a
  // request context of its own, so the browser's cookies stay as they were.
  const elsewhere = await playwright.request.newContext();
  let rotated = 0;
  await page.route("**/session/refresh", async (route) => {
    const sent = route.request();
    const answer = await elsewhere.post(sent.url(), { headers: await sent.allHeaders(), data: sent.postData() ?? "{}" });
    rotated += answer.ok() ? 1 : 0;
    await route.abort("connectionreset");
  });
  const before = (await context.cookies()).find((c) => c.name === "syn_refresh")?.value;
  await page.reload();
  await expect.poll(() => rotated).toBe(1);
  expect((await context.cookies()).find((c) => c.name === "syn_refresh")?.value).toBe(before);
  await page.unroute("**/session/refresh");
  await elsewhere.dispose();
  // The browser sends the used cookie again, within the grace window: renewed, not the end
  // of the login (it used to sign the user out).
  await page.goto(projectUrl);
  await expect(page.getByRole("heading", { name: "Lost answer" })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === "syn_refresh")?.value).not.toBe(before);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Lost answer" })).toBeVisible();
});
