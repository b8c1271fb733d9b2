import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOG, ERROR_CODES, RUN_ERROR_CATALOG, isErrorCode, statusOfError } from "./index.js";

const SPEC_DIR = new URL("../../../spec/v1/", import.meta.url);
const core = readFileSync(new URL("core.md", SPEC_DIR), "utf8");

/** The rows of the markdown table that follows `heading`, as arrays of cell texts. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const rows: string[][] = [];
  for (const line of markdown.slice(start).split("\n").slice(2)) {
    if (line.startsWith("#")) break;
    if (!line.startsWith("|") || /^\|[-| ]+\|$/.test(line)) continue;
    rows.push(
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(1); // the header row
}

const codesIn = (cell: string): string[] => [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string);
const statusesIn = (cell: string): number[] => [...cell.matchAll(/\b([1-5]\d\d)\b/g)].map((m) => Number(m[1]));

const httpTable = tableAfter(core, "### 13.4 Code table").map(([codes = "", status = "", meaning = ""]) => ({
  codes: codesIn(codes),
  status,
  meaning,
}));
const runTable = tableAfter(core, "### 13.5 Run error codes").flatMap(([codes = ""]) => codesIn(codes));

describe("the error catalog", () => {
  it("has every code of spec/v1/core.md §13.4 with the statuses, Retry-After and gating the table gives", () => {
    for (const row of httpTable) {
      for (const code of row.codes) {
        const statuses = statusesIn(row.status);
        if (row.status.includes("run error code")) {
          expect(Object.hasOwn(RUN_ERROR_CATALOG, code), `${code} is in the run error catalog`).toBe(true);
        }
        if (statuses.length === 0) {
          expect(row.status, `${code}: a row without a status is a run error code`).toMatch(/run error code/);
          continue;
        }
        expect(isErrorCode(code), `${code} is in the catalog`).toBe(true);
        if (!isErrorCode(code)) continue;
        const entry: { statuses: readonly number[]; retryAfter?: true; gated?: true } = ERROR_CATALOG[code];
        // Rows naming several codes list one status per code, in order ("400, 403, 503").
        const expected = row.codes.length > 1 ? [statuses[row.codes.indexOf(code)]] : statuses;
        expect([...entry.statuses].sort(), `${code}: statuses`).toEqual([...expected].sort());
        expect(entry.retryAfter === true, `${code}: Retry-After`).toBe(row.status.includes("Retry-After"));
        expect(entry.gated === true, `${code}: gated`).toBe(row.meaning.includes("*gated*"));
      }
    }
  });

  it("names in the table every code it does not mark as the toolkit's own, and none that it does", () => {
    const tabled = new Set(httpTable.flatMap((row) => row.codes));
    for (const code of ERROR_CODES) {
      const toolkit = (ERROR_CATALOG[code] as { toolkit?: true }).toolkit === true;
      expect(tabled.has(code), `${code} ${toolkit ? "is the toolkit's own" : "is a spec code"}`).toBe(!toolkit);
    }
  });

  it("has exactly the run error codes of §13.5 and those §13.4 calls run error codes", () => {
    const alsoRun = httpTable.filter((row) => row.status.includes("run error code")).flatMap((row) => row.codes);
    expect(Object.keys(RUN_ERROR_CATALOG).sort()).toEqual([...new Set([...runTable, ...alsoRun])].sort());
  });

  it("cites sections that exist", () => {
    const citations = [...Object.values(ERROR_CATALOG), ...Object.values(RUN_ERROR_CATALOG)].map((entry) => entry.spec);
    for (const citation of new Set(citations)) {
      const match = /^spec\/v1\/([a-z-]+\.md) §([\d.]+)$/.exec(citation);
      expect(match, `${citation} has the form spec/v1/<file> §<section>`).not.toBeNull();
      if (!match) continue;
      const text = readFileSync(new URL(match[1] as string, SPEC_DIR), "utf8");
      const heading = new RegExp(`^#{2,4} ${(match[2] as string).replaceAll(".", "\\.")}\\.?\\s`, "m");
      expect(heading.test(text), `${citation} names a heading`).toBe(true);
    }
  });

  it("gives each code its usual status first", () => {
    expect(statusOfError("validation_error")).toBe(400);
    expect(statusOfError("service_unavailable")).toBe(503);
    expect(isErrorCode("constructor")).toBe(false);
  });
});
