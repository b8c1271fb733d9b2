import { describe, expect, it } from "vitest";
import { parseCli, redactedCommand, UsageError } from "./args.js";

describe("parseCli", () => {
  it("reads flags, falling back to OPENWOP_BASE_URL and OPENWOP_API_KEY", () => {
    const parsed = parseCli(
      ["--require-behavior", "--profile", "openwop-core,openwop-stream-sse", "--timeout-scale", "2"],
      {
        OPENWOP_BASE_URL: "http://127.0.0.1:3737",
        OPENWOP_API_KEY: "secret",
      },
    );
    expect(parsed).toMatchObject({
      kind: "run",
      args: {
        baseUrl: "http://127.0.0.1:3737",
        apiKey: "secret",
        requireBehavior: true,
        timeoutScale: 2,
        profileFilter: ["openwop-core", "openwop-stream-sse"],
      },
    });
  });

  it("reads --webhook-private-urls as a switch that is off unless given", () => {
    const env = { OPENWOP_BASE_URL: "http://h", OPENWOP_API_KEY: "k" };
    expect(parseCli(["--webhook-private-urls"], env)).toMatchObject({ args: { webhookPrivateUrls: true } });
    expect(parseCli([], env)).toMatchObject({ args: { webhookPrivateUrls: false } });
    expect(() => parseCli(["--webhook-private-urls=yes"], env)).toThrow(UsageError);
  });

  it("reads --junit and --html as report paths, and --list with an optional --json switch", () => {
    const env = { OPENWOP_BASE_URL: "http://h", OPENWOP_API_KEY: "k" };
    expect(parseCli(["--junit", "r.xml", "--html", "r.html", "--json", "r.json"], env)).toMatchObject({
      args: { junitPath: "r.xml", htmlPath: "r.html", jsonPath: "r.json" },
    });
    expect(() => parseCli(["--junit"], env)).toThrow(UsageError);
    expect(parseCli(["--list"], {})).toEqual({ kind: "list", json: false });
    expect(parseCli(["--list", "--json"], {})).toEqual({ kind: "list", json: true });
    expect(() => parseCli(["--list", "--profile", "openwop-core"], {})).toThrow(/--list takes only --json/);
  });

  it("rejects unknown flags, unknown profiles and a missing target", () => {
    const env = { OPENWOP_BASE_URL: "http://h", OPENWOP_API_KEY: "k" };
    expect(() => parseCli(["--require-behaviour"], env)).toThrow(UsageError);
    expect(() => parseCli(["--profile", "openwop-everything"], env)).toThrow(/unknown profile/);
    expect(() => parseCli(["--opt-out-profiles", "nope"], env)).toThrow(/opt-out/);
    expect(() => parseCli([], {})).toThrow(/--base-url/);
    expect(() => parseCli(["--base-url", "http://h"], {})).toThrow(/--api-key/);
    expect(() => parseCli(["--timeout-scale", "0"], env)).toThrow(/timeout-scale/);
  });
});

describe("redactedCommand", () => {
  it("never records key values, in either flag form", () => {
    expect(
      redactedCommand([
        "--base-url",
        "http://h",
        "--api-key",
        "hk_1",
        "--low-scope-api-key=hk_2",
        "--secondary-api-key",
        "hk_3",
      ]),
    ).toBe(
      "openwop-conformance --base-url http://h --api-key <redacted> --low-scope-api-key=<redacted> --secondary-api-key <redacted>",
    );
  });
});
