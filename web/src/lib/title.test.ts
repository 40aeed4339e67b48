import { describe, expect, it } from "vitest";
import { titleFor } from "./title";

describe("tab titles", () => {
  it("name the page by its heading, then the app", () => {
    expect(titleFor("adult-train")).toBe("adult-train · Synthetica");
    expect(titleFor("  Your\n jobs ")).toBe("Your jobs · Synthetica");
    expect(titleFor("Sign in to Synthetica")).toBe("Sign in to Synthetica");
    expect(titleFor("")).toBe("Synthetica");
    expect(titleFor(null)).toBe("Synthetica");
  });
});
