import { readFile } from "node:fs/promises";
import { UsageError } from "./failures.js";

/**
 * A run's inputs from the command line: `--inputs-file f` (a JSON object; `-` reads standard
 * input) first, then each `--input key=value` on top. A value is JSON when it reads as JSON
 * (`delayMs=500` is the number 500, `flags=[1,2]` an array) and text otherwise
 * (`name=blue`); quote it as JSON to force text (`id='"500"'`).
 */
export async function readInputs(
  pairs: readonly string[] | undefined,
  file: string | undefined,
  readStdin: () => Promise<string> = readAllStdin,
): Promise<Record<string, unknown> | undefined> {
  let inputs: Record<string, unknown> | undefined;
  if (file !== undefined) {
    const text = file === "-" ? await readStdin() : await readText(file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--inputs-file ${file} is not JSON: ${error instanceof Error ? error.message : ""}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`--inputs-file ${file} must hold a JSON object of input names to values`);
    }
    inputs = { ...(parsed as Record<string, unknown>) };
  }
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`--input expects key=value, got "${pair}"`);
    inputs ??= {};
    inputs[pair.slice(0, equals)] = jsonOrText(pair.slice(equals + 1));
  }
  return inputs;
}

/** `text` parsed as JSON when it is JSON, else the text itself. */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read --inputs-file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
