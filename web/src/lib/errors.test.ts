import { describe, expect, it } from "vitest";
import { checkSchema } from "../pages/templates/schema";
import { fieldError, sentence } from "./errors";
import { ApiError } from "./session";

describe("error sentences", () => {
  it("masks internal errors and keeps precise messages", () => {
    expect(sentence(new ApiError("internal error", "INTERNAL"))).toBe("Something went wrong on our side. Please try again.");
    expect(sentence(new ApiError("dataset 12 is still ingesting", "FAILED_PRECONDITION"))).toBe("Dataset 12 is still ingesting.");
  });

  it("says a session ended, not a wrong password, when a request goes without valid credentials", () => {
    const ended = "Your session has ended. Please sign in again.";
    expect(sentence(new ApiError("credentials required", "UNAUTHENTICATED"))).toBe(ended);
    expect(sentence(new ApiError("access token expired", "UNAUTHENTICATED", "TOKEN_EXPIRED"))).toBe(ended);
    expect(sentence(new ApiError("invalid email or password", "UNAUTHENTICATED"))).toBe("Wrong email or password.");
    expect(sentence(new ApiError("this account is disabled", "UNAUTHENTICATED"))).toBe("This account is disabled.");
  });

  it("finds a field by its exact name or its last segment", () => {
    const error = new ApiError("bad", "BAD_USER_INPUT", "", [{ field: "anomalies.ratio", message: "must be between 0 and 1" }]);
    expect(fieldError(error, "ratio")).toBe("Must be between 0 and 1.");
    expect(fieldError(error, "count")).toBeUndefined();
  });
});

describe("schema check", () => {
  it("names the field that has no type", () => {
    expect(checkSchema({ tables: [{ name: "t", fields: [{ name: "a" }] }] })).toEqual([
      { path: "tables[0].fields[0].type", message: "Every field needs a type." },
    ]);
    expect(checkSchema([])).toHaveLength(1);
  });
});
