import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Suspense, useState } from "react";
import { describe, expect, it } from "vitest";
import { page } from "./App";

function Counter() {
  const [count, setCount] = useState(0);
  return <button onClick={() => setCount((c) => c + 1)}>Clicked {count}</button>;
}

function Host({ Page }: { Page: ReturnType<typeof page> }) {
  const [, setTick] = useState(0);
  return (
    <>
      <button onClick={() => setTick((t) => t + 1)}>Re-render</button>
      <Suspense fallback={<p>Loading…</p>}>
        <Page />
      </Suspense>
    </>
  );
}

describe("lazy pages", () => {
  it("keep their state when the app re-renders after their chunk arrived", async () => {
    const Page = page(() => Promise.resolve({ default: Counter }));
    render(<Host Page={Page} />);
    await userEvent.click(await screen.findByRole("button", { name: "Clicked 0" }));
    expect(screen.getByRole("button", { name: "Clicked 1" })).toBeInTheDocument();
    // A session refresh or any state above re-renders the page: it must not mount anew.
    await userEvent.click(screen.getByRole("button", { name: "Re-render" }));
    expect(screen.getByRole("button", { name: "Clicked 1" })).toBeInTheDocument();
  });

  it("render at once, without a loading fallback, once preloaded", async () => {
    const Page = page(() => Promise.resolve({ default: Counter }));
    await Page.preload();
    render(<Host Page={Page} />);
    expect(screen.queryByText("Loading…")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Clicked 0" })).toBeInTheDocument();
  });
});
