import { expect, test } from "@playwright/test";
import {
  baseUrl,
  gql,
  PASSWORD,
  registerByApi,
  signedInWithProject,
  signIn,
  uniqueEmail,
} from "./support";

// The invitation token rides in the link's fragment (/invitations#<token>), which a browser
// never sends: no request the invitee's browser makes carries it, so no proxy logs it.
test("an owner invites by email; the invitee signs up from the link and joins, the token never sent", async ({
  page,
  browser,
  request,
}) => {
  const owner = uniqueEmail("e2e-inviter");
  const projectId = await signedInWithProject(page, request, owner, "Invited census");
  await page.goto(`${baseUrl()}/projects/${projectId}`);
  const invitee = uniqueEmail("e2e-invitee");
  const form = page.getByRole("form", { name: "Invite a member" });
  await form.getByLabel("Member email").fill(invitee);
  await form.getByRole("button", { name: "Invite" }).click();
  const link = await page.getByLabel(`Invitation link for ${invitee}`).inputValue();
  expect(link).toMatch(/\/invitations#syninv_/);
  const token = link.split("#")[1]!;

  const context = await browser.newContext();
  const guest = await context.newPage();
  const sent: string[] = [];
  guest.on("request", (r) => sent.push(r.url() + " " + (r.postData() ?? "")));
  await guest.goto(link);
  // Signed out: to sign-in, then sign-up, and back to the invitation with its token.
  await guest.getByRole("link", { name: "Register a new account" }).click();
  await guest.getByLabel("Email").fill(invitee);
  await guest.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await guest.getByRole("button", { name: "Create account" }).click();
  await expect(guest.getByRole("heading", { name: "Join a project" })).toBeVisible({ timeout: 90_000 });
  // Up to here nothing the browser sent carried the token; joining sends it in the body.
  expect(sent.filter((s) => s.includes(token))).toEqual([]);
  await guest.getByRole("button", { name: "Join project" }).click();
  await expect(guest.getByRole("heading", { name: "Invited census" })).toBeVisible();
  expect(sent.filter((s) => s.split(" ")[0]!.includes(token))).toEqual([]);
  await context.close();
});

test("an invitation link of the old form moves its token to the fragment and still joins", async ({ page, request }) => {
  const ownerToken = await registerByApi(request, uniqueEmail("e2e-old-owner"));
  const { createProject } = await gql<{ createProject: { id: string } }>(
    request,
    'mutation { createProject(input: {name: "Old link"}) { id } }',
    {},
    ownerToken,
  );
  const invitee = uniqueEmail("e2e-old-invitee");
  const { addProjectMember } = await gql<{ addProjectMember: { invitationToken: string } }>(
    request,
    "mutation($p: ID!, $e: String!) { addProjectMember(projectId: $p, email: $e, role: VIEWER) { invitationToken } }",
    { p: createProject.id, e: invitee },
    ownerToken,
  );
  const token = addProjectMember.invitationToken;
  await registerByApi(request, invitee);
  await signIn(page, invitee);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible({ timeout: 90_000 });

  await page.goto(`${baseUrl()}/invitations/${token}`);
  await expect(page.getByRole("heading", { name: "Join a project" })).toBeVisible();
  const url = new URL(page.url());
  expect(url.pathname).toBe("/invitations");
  expect(url.hash).toBe(`#${token}`);
  await page.getByRole("button", { name: "Join project" }).click();
  await expect(page.getByRole("heading", { name: "Old link" })).toBeVisible();
  await expect(page.getByText("Your role: viewer")).toBeVisible();
});
