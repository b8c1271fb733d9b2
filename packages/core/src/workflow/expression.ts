import { Environment, ParseError, TypeError as CelTypeError } from "@marcbachmann/cel-js";
import type { JsonObject, JsonValue } from "@openwop/storage";
import { RE2JS } from "re2js";

/**
 * The expression language of workflow definitions (core.md §8.9, RFC 0016): CEL, evaluated by
 * `@marcbachmann/cel-js` — a parser and tree-walking evaluator with no access to the process —
 * inside bounds this module enforces: source length, parse limits, evaluation steps and time,
 * intermediate and result sizes, and regular expressions matched by RE2 (linear time).
 */
export const EXPRESSION_LANGUAGE = "cel";
/** The version of the subset and bounds this module implements, advertised in discovery. */
export const EXPRESSION_LANGUAGE_VERSION = "1";

export const EXPRESSION_LIMITS = Object.freeze({
  /** UTF-8 bytes of an expression's source. */
  maxSourceBytes: 4096,
  maxAstNodes: 1000,
  maxDepth: 32,
  maxListElements: 256,
  maxMapEntries: 256,
  maxCallArguments: 16,
  /** Evaluation steps (one per sub-expression evaluated, each iteration of a macro included). */
  maxSteps: 100_000,
  /** Wall-clock time of one evaluation, checked every {@link TIME_CHECK_EVERY} steps. */
  maxEvaluationMs: 100,
  /** Length of any string an evaluation step produces. */
  maxStringLength: 1_048_576,
  /** Length of any list an evaluation step produces. */
  maxListLength: 100_000,
  /** Serialized JSON bytes of a result. */
  maxResultBytes: 1_048_576,
  /** Length of a regular expression pattern (edge `regex` conditions and CEL `matches`). */
  maxPatternLength: 1024,
});

const TIME_CHECK_EVERY = 64;
const CACHE_SIZE = 512;

/** Why an expression could not be compiled or evaluated. */
export type ExpressionFailure = "syntax" | "type" | "limit" | "evaluation" | "result";

/** An expression that failed; at run time the node (or edge) fails with `expression_error`. */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  readonly code = "expression_error";
  constructor(
    readonly reason: ExpressionFailure,
    message: string,
    /** Where the expression sits, e.g. `node a input x` or `edge e1 condition`. */
    readonly where?: string,
  ) {
    super(where ? `${where}: ${message}` : message);
  }

  /** The same failure located at `where`. */
  at(where: string): ExpressionError {
    return new ExpressionError(this.reason, this.detail, where);
  }

  get detail(): string {
    return this.where ? this.message.slice(this.where.length + 2) : this.message;
  }

  /** The run error a node fails with (core.md §13.5). */
  failure(): { code: "expression_error"; message: string; details: JsonObject } {
    return {
      code: "expression_error",
      message: this.message,
      details: { reason: this.reason, ...(this.where ? { where: this.where } : {}) },
    };
  }
}

/** What an expression may read: nothing but these three roots. */
export interface ExpressionScope {
  variables: JsonObject;
  inputs: JsonObject;
  /** Outputs of a node that completed, else undefined. */
  outputsOf: (nodeId: string) => JsonObject | undefined;
}

/** A compiled expression and what it reads, known before it ever runs. */
export interface CompiledExpression {
  readonly source: string;
  /** Node ids read through `nodes.<id>` (the only way to read `nodes`). */
  readonly nodeRefs: ReadonlySet<string>;
  /** Variable names read through `variables.<name>`; `dynamicVariables` when some are chosen at run time. */
  readonly variableRefs: ReadonlySet<string>;
  readonly dynamicVariables: boolean;
  evaluate(scope: ExpressionScope): JsonValue;
}

type Program = ((context: Record<string, unknown>) => unknown) & { ast: AstNode; check(): CheckResult };
interface CheckResult {
  valid: boolean;
  error?: Error;
}
interface AstNode {
  op: string;
  args: unknown;
  evaluate: (ev: Evaluator, ast: AstNode, ctx: unknown) => unknown;
}
interface Evaluator {
  run(ast: AstNode, ctx: unknown): unknown;
}

const environment = new Environment({
  unlistedVariablesAreDyn: false,
  homogeneousAggregateLiterals: false,
  enableOptionalTypes: false,
  limits: {
    maxAstNodes: EXPRESSION_LIMITS.maxAstNodes,
    maxDepth: EXPRESSION_LIMITS.maxDepth,
    maxListElements: EXPRESSION_LIMITS.maxListElements,
    maxMapEntries: EXPRESSION_LIMITS.maxMapEntries,
    maxCallArguments: EXPRESSION_LIMITS.maxCallArguments,
  },
})
  .registerVariable("variables", "map<string, dyn>")
  .registerVariable("inputs", "map<string, dyn>")
  .registerVariable("nodes", "map<string, dyn>");

/**
 * The budget of the evaluation in progress. Evaluation is synchronous (no async functions are
 * registered), so one module-level meter is never shared by two evaluations at once.
 */
let meter: { steps: number; deadline: number } | null = null;

const limitError = (message: string) => new ExpressionError("limit", message);

function checkSize(value: unknown): void {
  if (typeof value === "string") {
    if (value.length > EXPRESSION_LIMITS.maxStringLength)
      throw limitError(`a string longer than ${EXPRESSION_LIMITS.maxStringLength} characters was produced`);
  } else if (Array.isArray(value) && value.length > EXPRESSION_LIMITS.maxListLength) {
    throw limitError(`a list longer than ${EXPRESSION_LIMITS.maxListLength} elements was produced`);
  }
}

/**
 * Every sub-expression the evaluator runs goes through its `run`: the one place to count steps,
 * watch the clock and bound what each step produces. The evaluator is private to our
 * environment; we reach it once, through the root of a probe expression.
 */
function instrumentEvaluator(): void {
  const probe = environment.parse("true") as unknown as Program;
  probe.check();
  let captured: Evaluator | undefined;
  const inner = probe.ast.evaluate;
  probe.ast.evaluate = (ev, ast, ctx) => {
    captured = ev;
    return inner.call(ast, ev, ast, ctx);
  };
  probe({});
  if (!captured) throw new Error("cel-js evaluator could not be instrumented");
  const evaluator = captured;
  evaluator.run = function run(ast: AstNode, ctx: unknown): unknown {
    const budget = meter;
    if (budget) {
      budget.steps += 1;
      if (budget.steps > EXPRESSION_LIMITS.maxSteps)
        throw limitError(`evaluation took more than ${EXPRESSION_LIMITS.maxSteps} steps`);
      if (budget.steps % TIME_CHECK_EVERY === 0 && Date.now() > budget.deadline)
        throw limitError(`evaluation took longer than ${EXPRESSION_LIMITS.maxEvaluationMs} ms`);
    }
    const result = ast.evaluate(this, ast, ctx);
    checkSize(result);
    return result;
  };
}
instrumentEvaluator();

const patterns = new Map<string, RE2JS>();

/** An RE2 pattern (linear-time matching, no backreferences or lookaround), bounded in length. */
export function compilePattern(pattern: string): RE2JS {
  const cached = patterns.get(pattern);
  if (cached) return cached;
  if (pattern.length > EXPRESSION_LIMITS.maxPatternLength)
    throw limitError(`regular expression longer than ${EXPRESSION_LIMITS.maxPatternLength} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw new ExpressionError(
      "syntax",
      `invalid regular expression ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (patterns.size >= CACHE_SIZE) patterns.delete(patterns.keys().next().value as string);
  patterns.set(pattern, compiled);
  return compiled;
}

/** True when `pattern` matches somewhere in `text` (RE2 semantics, like CEL's `matches`). */
export function matchesPattern(text: string, pattern: string): boolean {
  const compiled = compilePattern(pattern);
  if (text.length > EXPRESSION_LIMITS.maxStringLength)
    throw limitError(`regular expression input longer than ${EXPRESSION_LIMITS.maxStringLength} characters`);
  return compiled.matcher(text).find();
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === "object" && value !== null && typeof (value as { op?: unknown }).op === "string";

function childrenOf(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const visit = (value: unknown): void => {
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
  };
  visit(node.args);
  return out;
}

interface Analysis {
  nodeRefs: Set<string>;
  dynamicNodes: boolean;
  variableRefs: Set<string>;
  dynamicVariables: boolean;
}

/** The member a `.` or `[]` access reads on `root`, when `node` is such an access with a literal name. */
function memberOf(node: AstNode, root: string): { direct: true; name: string | null } | null {
  if (node.op !== "." && node.op !== "[]") return null;
  const [receiver, key] = node.args as [unknown, unknown];
  if (!isNode(receiver) || receiver.op !== "id" || receiver.args !== root) return null;
  if (node.op === ".") return { direct: true, name: key as string };
  return isNode(key) && key.op === "value" && typeof key.args === "string"
    ? { direct: true, name: key.args }
    : { direct: true, name: null };
}

/**
 * Walks the checked tree once: records what it reads, and gives every `matches` call our
 * RE2 matcher instead of the evaluator's own (a backtracking `RegExp`), checking literal
 * patterns now so a bad one is refused at registration.
 */
function analyse(root: AstNode): Analysis {
  const analysis: Analysis = {
    nodeRefs: new Set(),
    dynamicNodes: false,
    variableRefs: new Set(),
    dynamicVariables: false,
  };
  const consumed = new Set<AstNode>();
  const visit = (node: AstNode): void => {
    for (const [rootName, refs, dynamic] of [
      ["nodes", analysis.nodeRefs, "dynamicNodes"],
      ["variables", analysis.variableRefs, "dynamicVariables"],
    ] as const) {
      const member = memberOf(node, rootName);
      if (member) {
        consumed.add((node.args as AstNode[])[0] as AstNode);
        if (member.name === null) analysis[dynamic] = true;
        else refs.add(member.name);
      }
    }
    if (node.op === "id" && !consumed.has(node)) {
      if (node.args === "nodes") analysis.dynamicNodes = true;
      if (node.args === "variables") analysis.dynamicVariables = true;
    }
    if (node.op === "rcall" && (node.args as unknown[])[0] === "matches") replaceMatches(node);
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return analysis;
}

function replaceMatches(node: AstNode): void {
  const [, receiver, args] = node.args as [string, AstNode, AstNode[]];
  const pattern = args[0];
  if (pattern?.op === "value" && typeof pattern.args === "string") compilePattern(pattern.args);
  node.evaluate = (ev, _ast, ctx) => {
    const text = ev.run(receiver, ctx);
    const expression = ev.run(pattern as AstNode, ctx);
    if (typeof text !== "string" || typeof expression !== "string")
      throw new ExpressionError("evaluation", "matches() takes a string and a string pattern");
    return matchesPattern(text, expression);
  };
}

const compiled = new Map<string, CompiledExpression>();

/**
 * Compiles `source` (parse, type-check, analyse), or throws an {@link ExpressionError} saying
 * why not. Compiled expressions are cached by source, the oldest dropped beyond a bound.
 */
export function compileExpression(source: string): CompiledExpression {
  const cached = compiled.get(source);
  if (cached) return cached;
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > EXPRESSION_LIMITS.maxSourceBytes)
    throw limitError(`expression is ${bytes} bytes, more than ${EXPRESSION_LIMITS.maxSourceBytes}`);
  if (source.trim() === "") throw new ExpressionError("syntax", "expression is empty");
  let program: Program;
  try {
    program = environment.parse(source) as unknown as Program;
  } catch (error) {
    throw celFailure(error, "syntax");
  }
  const checked = program.check();
  if (!checked.valid) throw celFailure(checked.error, "type");
  const analysis = analyse(program.ast);
  if (analysis.dynamicNodes)
    throw new ExpressionError("type", 'nodes must be read by a literal id, as nodes.<id> or nodes["<id>"]');
  const expression: CompiledExpression = {
    source,
    ...analysis,
    evaluate: (scope) => run(program, analysis, scope),
  };
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  compiled.set(source, expression);
  return expression;
}

/** The one-line summary of a cel-js error (its message carries a source excerpt after the first line). */
function celFailure(error: unknown, fallback: ExpressionFailure): ExpressionError {
  if (error instanceof ExpressionError) return error;
  const summary =
    (error as { summary?: unknown })?.summary ??
    (error instanceof Error ? error.message.split("\n")[0] : String(error));
  const code = (error as { code?: unknown })?.code;
  const reason: ExpressionFailure =
    code === "limit_exceeded"
      ? "limit"
      : error instanceof ParseError
        ? "syntax"
        : error instanceof CelTypeError
          ? "type"
          : fallback;
  return new ExpressionError(reason, String(summary));
}

function run(program: Program, analysis: Analysis, scope: ExpressionScope): JsonValue {
  const nodes = new Map<string, unknown>();
  for (const id of analysis.nodeRefs) {
    const outputs = scope.outputsOf(id);
    if (outputs !== undefined) nodes.set(id, new Map([["outputs", toCel(outputs)]]));
  }
  const context = { variables: toCel(scope.variables), inputs: toCel(scope.inputs), nodes };
  const previous = meter;
  meter = { steps: 0, deadline: Date.now() + EXPRESSION_LIMITS.maxEvaluationMs };
  let value: unknown;
  try {
    value = program(context);
  } catch (error) {
    throw celFailure(error, "evaluation");
  } finally {
    meter = previous;
  }
  const json = fromCel(value, 0);
  const size = Buffer.byteLength(JSON.stringify(json), "utf8");
  if (size > EXPRESSION_LIMITS.maxResultBytes)
    throw new ExpressionError("result", `result is ${size} bytes, more than ${EXPRESSION_LIMITS.maxResultBytes}`);
  return json;
}

/** JSON into CEL: an integer number within ±2^53 is an `int`, every other number a `double`, objects are maps. */
export function toCel(value: JsonValue): unknown {
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toCel);
  const map = new Map<string, unknown>();
  for (const [key, item] of Object.entries(value)) map.set(key, toCel(item));
  return map;
}

const MAX_RESULT_DEPTH = 64;

/** CEL back into JSON; a value JSON cannot hold (bytes, durations, types, NaN, an int past ±2^53) is an error. */
export function fromCel(value: unknown, depth: number): JsonValue {
  if (depth > MAX_RESULT_DEPTH) throw new ExpressionError("result", `result is nested deeper than ${MAX_RESULT_DEPTH}`);
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      throw new ExpressionError("result", `integer ${value} is outside the range JSON numbers hold exactly`);
    return Number(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ExpressionError("result", `number ${value} cannot be represented in JSON`);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => fromCel(item, depth + 1));
  if (value instanceof Map) {
    const out: JsonObject = {};
    for (const [key, item] of value) define(out, String(key), fromCel(item, depth + 1));
    return out;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) define(out, key, fromCel(item, depth + 1));
    return out;
  }
  const kind = typeof value === "object" ? (value as object).constructor?.name : typeof value;
  throw new ExpressionError("result", `a value of type ${kind ?? "unknown"} cannot be represented in JSON`);
}

function define(object: JsonObject, key: string, value: JsonValue): void {
  // A map key `__proto__` is data, not the prototype.
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Compiles and evaluates in one call, locating any failure at `where`. */
export function evaluateExpression(source: string, scope: ExpressionScope, where?: string): JsonValue {
  try {
    return compileExpression(source).evaluate(scope);
  } catch (error) {
    const failure = error instanceof ExpressionError ? error : celFailure(error, "evaluation");
    throw where ? failure.at(where) : failure;
  }
}

/** CEL truthiness is not a thing; conditions want a boolean, and say so when they get something else. */
export function requireBoolean(value: JsonValue, where?: string): boolean {
  if (typeof value === "boolean") return value;
  throw new ExpressionError("evaluation", `condition must evaluate to a bool, got ${JSON.stringify(value)}`, where);
}
