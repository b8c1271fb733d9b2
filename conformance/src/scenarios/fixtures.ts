import type { Assertions } from "../runner/assertions.js";
import { validateWorkflowDefinition } from "@openwop/schema";
import { assertSchemaValid } from "../lib/schema-checks.js";
import { whenAdvertised } from "../runner/gates.js";
import type { Scenario } from "../runner/scenario.js";

export const fixtureScenarios: readonly Scenario[] = [
  {
    id: "fixtures-readable",
    title: "Every advertised fixture is readable, valid, manually triggered and tagged conformance",
    profiles: ["openwop-fixtures"],
    spec: "spec/v1/core.md §14.1",
    gate: whenAdvertised("fixtures", (discovery) => Array.isArray(discovery.fixtures) && discovery.fixtures.length > 0),
    async run(context) {
      const { client, discovery } = context;
      const assert: Assertions = context.assert;
      for (const fixtureId of discovery.fixtures ?? []) {
        const response = await client.raw("GET", `/v1/workflows/${encodeURIComponent(fixtureId)}`);
        const request = `GET /v1/workflows/{workflowId} (${fixtureId}, advertised in discovery fixtures)`;
        assert.equal(response.status, 200, `§14.1: ${request}: status`);
        assertSchemaValid(assert, validateWorkflowDefinition, response.body, `§14.1: ${request}: workflow`);
        const workflow = response.body as {
          id?: unknown;
          triggers?: Array<{ type?: unknown }>;
          metadata?: { tags?: unknown };
        };
        assert.equal(workflow.id, fixtureId, `§14.1: ${request}: id`);
        assert.ok(
          workflow.triggers?.some((trigger) => trigger.type === "manual") === true,
          `§14.1: ${request}: triggers must include one of type manual; trigger types`,
          workflow.triggers?.map((trigger) => trigger.type),
        );
        const tags = workflow.metadata?.tags;
        assert.ok(
          Array.isArray(tags) && tags.includes("conformance"),
          `§14.1: ${request}: metadata.tags must include conformance`,
          tags,
        );
      }
    },
  },
];
