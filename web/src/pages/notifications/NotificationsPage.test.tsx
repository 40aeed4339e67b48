import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeClient, renderWith } from "../../test/render";
import NotificationsPage from "./NotificationsPage";

function notification(id: string, title: string, isRead = false) {
  return {
    id,
    eventType: "model.trained",
    title,
    message: `${title}: details`,
    subject: `model:${id}`,
    isRead,
    createdAt: "2026-12-01T10:00:00Z",
    projectId: "p1",
  };
}

const page = (nodes: ReturnType<typeof notification>[], endCursor: string | null = null) => ({
  data: { notifications: { nodes, pageInfo: { hasNextPage: endCursor !== null, endCursor } } },
});

describe("notifications list", () => {
  it("leads from a notification to what it is about", async () => {
    const id = "0b6f2c1e-3f1a-4c55-9a1e-2f7d1c0e9b11";
    const ready = { ...notification("5", "Dataset adult is ready"), eventType: "dataset.uploaded", subject: `dataset:${id}` };
    const report = { ...notification("6", "Evaluation ready"), subject: `batch-report:${id}` };
    const older = { ...notification("7", "Evaluation ready (older)"), subject: "report:r1" };
    const { client } = fakeClient({ Notifications: page([ready, report, older]) });
    renderWith(<NotificationsPage />, client);
    expect(await screen.findByRole("link", { name: "Dataset adult is ready" })).toHaveAttribute("href", `/datasets/${id}`);
    expect(screen.getByRole("link", { name: "Evaluation ready" })).toHaveAttribute("href", `/batches/${id}/report`);
    // An older notification names the report's own id, which no page takes: the title stays text.
    expect(screen.getByText("Evaluation ready (older)").closest("a")).toBeNull();
  });

  it("shows a notification from the subscription at the top of the open list, without a reload", async () => {
    const { client, calls, push } = fakeClient({ Notifications: page([notification("1", "Old news", true)]) });
    renderWith(<NotificationsPage />, client);
    const list = await screen.findByRole("list", { name: "Notifications" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    const loads = calls.filter((c) => c.name === "Notifications").length;

    act(() => push("NewNotifications", { notifications: notification("2", "Model trained") }));

    const items = within(list).getAllByRole("listitem");
    expect(items.map((i) => i.querySelector("strong")?.textContent)).toEqual(["Model trained", "Old news"]);
    expect(items[0]).toHaveTextContent("unread");
    expect(within(items[0]!).getByRole("button", { name: "Mark “Model trained” read" })).toBeInTheDocument();
    expect(calls.filter((c) => c.name === "Notifications")).toHaveLength(loads);
  });

  it("replaces the empty state when the first one arrives, and drops a deleted one for good", async () => {
    const { client, push } = fakeClient({
      Notifications: page([]),
      DeleteNotification: { data: { deleteNotification: true } },
    });
    renderWith(<NotificationsPage />, client);
    expect(await screen.findByText(/you are up to date/)).toBeInTheDocument();

    act(() => push("NewNotifications", { notifications: notification("7", "Batch generated") }));
    expect(screen.queryByText(/you are up to date/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Delete “Batch generated”" }));
    expect(screen.queryByText("Batch generated")).not.toBeInTheDocument();
    expect(await screen.findByText(/you are up to date/)).toBeInTheDocument();
  });

  it("on a later page, says that new ones arrived instead of mixing them in", async () => {
    const { client, push } = fakeClient({
      Notifications: (variables) =>
        variables.after ? page([notification("1", "Older one", true)]) : page([notification("3", "Newer one", true)], "c1"),
    });
    renderWith(<NotificationsPage />, client);
    await userEvent.click(await screen.findByRole("button", { name: "Next page" }));
    expect(await screen.findByText("Older one")).toBeInTheDocument();

    act(() => push("NewNotifications", { notifications: notification("9", "Fresh one") }));
    expect(screen.queryByText("Fresh one")).not.toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("1 new notification on the first page.");
    await userEvent.click(screen.getByRole("button", { name: "Show the newest" }));
    expect(await screen.findByText("Fresh one")).toBeInTheDocument();
  });

  it("keeps a long title out of the buttons' visible text, for screen readers only", async () => {
    const title = `Dataset ${"Daily minimum temperatures in Melbourne ".repeat(5)}is ready`;
    const { client } = fakeClient({ Notifications: page([notification("4", title)]) });
    renderWith(<NotificationsPage />, client);
    const mark = await screen.findByRole("button", { name: `Mark “${title}” read` });
    const remove = screen.getByRole("button", { name: `Delete “${title}”` });
    // The title is already the item's heading: the buttons repeat it only to a screen reader.
    for (const button of [mark, remove]) {
      expect(within(button).getByText(`“${title}”`)).toHaveClass("visually-hidden");
    }
  });
});
