import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { WorkflowDefinitionError, type WorkflowCatalog } from "./catalog.js";

/** A workflow file that could not be loaded: which file, and why. */
export class WorkflowFileError extends Error {
  override readonly name = "WorkflowFileError";
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * Registers every `*.json` workflow definition in `dir` (not recursive), in name order.
 * The first bad file stops loading with its path and the reason, so a host never starts
 * with half its workflows.
 */
export async function loadWorkflowsFromDir(catalog: WorkflowCatalog, dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    throw new WorkflowFileError(
      dir,
      `cannot read the workflows directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const loaded: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw new WorkflowFileError(path, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    try {
      loaded.push(catalog.register(parsed).definition.id);
    } catch (error) {
      if (error instanceof WorkflowDefinitionError) throw new WorkflowFileError(path, error.message);
      throw error;
    }
  }
  return loaded;
}
