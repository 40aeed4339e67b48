import { expect, test } from "@playwright/test";
import { baseUrl, expectAccessible, gql, registerByApi, shot, signIn, uniqueEmail, watchConsole } from "./support";

test("an owner requires approval, and approves an editor's request from the jobs page", async ({ page, request }, info) => {
  const ownerEmail = uniqueEmail("e2e-approver");
  const editorEmail = uniqueEmail("e2e-requester");
  const ownerToken = await registerByApi(request, ownerEmail);
  const editorToken = await registerByApi(request, editorEmail);
  const { createProject } = await gql<{ createProject: { id: string } }>(request, 'mutation { createProject(input: {name: "Approvals"}) { id } }', {}, ownerToken);
  await gql(request, "mutation($p: ID!, $e: String!) { addProjectMember(projectId: $p, email: $e, role: EDITOR) { role } }", { p: createProject.id, e: editorEmail }, ownerToken);
  const logs = watchConsole(page);

  await signIn(page, ownerEmail);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await page.goto(`${baseUrl()}/projects/${createProject.id}`);
  const guarantees = page.getByRole("form", { name: "Guarantees" });
  await guarantees.getByLabel("Privacy gate").selectOption("OWNER_OVERRIDE");
  await guarantees.getByLabel(/wait for an owner's approval/).check();
  await guarantees.getByRole("button", { name: "Save guarantees" }).click();
  await expect(guarantees.getByRole("status")).toHaveText("Saved.");

  const requested = await gql<{ generateFromTemplate: { job: { id: string; status: string } } }>(
    request,
    'mutation($p: ID!) { generateFromTemplate(input: {projectId: $p, builtin: "user", count: 20}) { job { id status } } }',
    { p: createProject.id },
    editorToken,
  );
  const job = requested.generateFromTemplate.job;
  expect(job.status).toBe("PENDING_APPROVAL");

  await page.goto(`${baseUrl()}/jobs`);
  const table = page.getByRole("table", { name: "Requests waiting for approval in Approvals" });
  const row = table.getByRole("row", { name: new RegExp(`Job ${job.id}`) });
  await expect(row).toBeVisible();
  await expectAccessible(page, "jobs waiting for approval");
  await shot(page, info, "pending-approvals");
  await row.getByLabel(`Comment for job ${job.id}`).fill("fine by me");
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(table).toBeHidden();
  const after = await gql<{ job: { status: string; review: { approved: boolean; comment: string } } }>(
    request,
    "query($id: ID!) { job(id: $id) { status review { approved comment } } }",
    { id: job.id },
    editorToken,
  );
  expect(after.job.status).not.toBe("PENDING_APPROVAL");
  expect(after.job.review).toEqual({ approved: true, comment: "fine by me" });
  logs.expectClean();
});
