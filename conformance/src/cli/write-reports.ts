import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ConformanceResult } from "@openwop/types";
import { renderHtml } from "../report/html-report.js";
import { renderJUnit } from "../report/junit-report.js";

export interface ReportPaths {
  readonly jsonPath?: string;
  readonly junitPath?: string;
  readonly htmlPath?: string;
}

/**
 * Writes every requested rendering of one result document. All three come from the same
 * document, so the JUnit and HTML reports can never say something the JSON record does not.
 * Returns the paths written, in the order given.
 */
export async function writeReports(document: ConformanceResult, paths: ReportPaths): Promise<string[]> {
  const outputs: Array<[string | undefined, () => string]> = [
    [paths.jsonPath, () => `${JSON.stringify(document, null, 2)}\n`],
    [paths.junitPath, () => renderJUnit(document)],
    [paths.htmlPath, () => renderHtml(document)],
  ];
  const written: string[] = [];
  for (const [path, render] of outputs) {
    if (path === undefined) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, render());
    written.push(path);
  }
  return written;
}
