import type { JsonObject } from "@openwop/storage";

/** One served operation, as the OpenAPI document describes it. */
export interface OperationSpec {
  method: "get" | "post";
  path: string;
  summary: string;
  scope?: string;
  responses: Record<string, string>;
}

/**
 * An OpenAPI 3.1 document listing exactly the operations this host serves. It is built
 * from the same route table the server registers, so the two cannot drift apart.
 */
export function buildOpenApiDocument(title: string, version: string, operations: readonly OperationSpec[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of operations) {
    const responses: JsonObject = {};
    for (const [status, description] of Object.entries(op.responses)) responses[status] = { description };
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
      ...(op.scope ? { security: [{ bearer: [op.scope] }] } : { security: [] }),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title, version },
    servers: [{ url: "/" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
