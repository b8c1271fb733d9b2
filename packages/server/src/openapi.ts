import type { Scope } from "@openwop/core";
import { schemas } from "@openwop/schema";
import type { JsonObject } from "@openwop/storage";
import { ERROR_CATALOG, type ErrorCode } from "@openwop/types";

/** One served operation, as the OpenAPI document describes it. */
export interface OperationSpec {
  method: "get" | "post" | "delete";
  path: string;
  summary: string;
  /** The scope the operation needs; absent for public operations. */
  scope?: Scope;
  /** Any valid credential may call it, whatever its scopes (`GET /v1/keys/self`). */
  anyCredential?: boolean;
  /** Successful answers: status → description. */
  responses: Record<string, string>;
  /** The refusals particular to this operation; the statuses come from the error catalog. */
  errors: readonly ErrorCode[];
  /** Exempt from backpressure (discovery, this document): never answered 503. */
  exempt?: boolean;
}

/**
 * The refusals an operation can meet besides its own: a request target or header section
 * the host refuses (every request is checked, RFC 0012), auth, backpressure, the unexpected.
 */
function sharedErrors(op: OperationSpec): ErrorCode[] {
  return [
    "validation_error",
    ...(op.scope
      ? (["unauthenticated", "forbidden"] as const)
      : op.anyCredential
        ? (["unauthenticated"] as const)
        : []),
    ...(op.exempt ? [] : (["service_unavailable"] as const)),
    "internal_error",
  ];
}

/** Error answers by status, each naming its codes (`x-openwop-error-codes`) and the envelope. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    for (const status of ERROR_CATALOG[code].statuses) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: statusCodes.map((code) => `\`${code}\``).join(", "),
      "x-openwop-error-codes": statusCodes,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
    };
  }
  return responses;
}

/**
 * An OpenAPI 3.1 document listing exactly the operations this host serves. It is built
 * from the same route table the server registers, and its error answers from the error
 * catalog, so neither can drift from what the host does.
 */
export function buildOpenApiDocument(title: string, version: string, operations: readonly OperationSpec[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of operations) {
    const responses: JsonObject = {};
    for (const [status, description] of Object.entries(op.responses)) responses[status] = { description };
    Object.assign(responses, errorResponses([...op.errors, ...sharedErrors(op)]));
    const parameters = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
      name: m[1] as string,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const operationsOfPath = paths[op.path] ?? {};
    paths[op.path] = operationsOfPath;
    operationsOfPath[op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      security: op.scope ? [{ bearer: [op.scope] }] : op.anyCredential ? [{ bearer: [] }] : [],
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title, version },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { ErrorEnvelope: schemas["error-envelope"] as unknown as JsonObject },
    },
    paths,
  };
}
