import { describe, expect, it } from "vitest";
import { appendPointer } from "./json-pointer.js";

describe("appendPointer", () => {
  it("appends a plain token", () => {
    expect(appendPointer("", "workflowId")).toBe("/workflowId");
    expect(appendPointer("/production/backpressure", "retryAfterSeconds")).toBe(
      "/production/backpressure/retryAfterSeconds",
    );
  });

  it("escapes ~ before / so the two escapes cannot be confused", () => {
    expect(appendPointer("/a", "x/y")).toBe("/a/x~1y");
    expect(appendPointer("/a", "x~y")).toBe("/a/x~0y");
    expect(appendPointer("/a", "~1")).toBe("/a/~01");
  });

  it("keeps an empty token as its own segment", () => {
    expect(appendPointer("/a", "")).toBe("/a/");
  });
});
