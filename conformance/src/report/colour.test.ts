import { describe, expect, it } from "vitest";
import { paletteFor } from "./colour.js";

describe("paletteFor", () => {
  it("colours a terminal, and nothing when NO_COLOR is set or output is piped", () => {
    expect(paletteFor({ isTTY: true }, {}).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(paletteFor({ isTTY: true }, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(paletteFor({ isTTY: false }, {}).red("x")).toBe("x");
    expect(paletteFor({ isTTY: false }, { FORCE_COLOR: "1" }).red("x")).not.toBe("x");
    expect(paletteFor({ isTTY: true }, { TERM: "dumb" }).red("x")).toBe("x");
  });
});
