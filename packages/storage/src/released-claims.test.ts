import { describe, expect, it } from "vitest";
import { ReleasedClaims } from "./released-claims.js";

describe("ReleasedClaims", () => {
  it("answers a release once, forgets a run once it is claimed again, and stays bounded", () => {
    const released = new ReleasedClaims(2);
    released.released("a");
    released.released("b");
    expect(released.stillHeld(["a", "c"])).toEqual(["c"]);
    expect(released.stillHeld(["a"])).toEqual(["a"]);
    released.claimed("b");
    expect(released.stillHeld(["b"])).toEqual(["b"]);
    for (const id of ["x", "y", "z"]) released.released(id);
    expect(released.stillHeld(["x", "y", "z"])).toEqual(["x"]);
  });
});
