import {
  API_KEY_KIND_VALUES,
  type ApiKey,
  type ApiKeyKind,
  type CreateApiKeyRequest,
  type IssuedApiKey,
} from "@openwop/types";
import { Option, type Command } from "commander";
import { UsageError } from "../failures.js";
import { withExample } from "../help.js";
import { collectList, instant, integerIn } from "../option-values.js";
import { statusStyle, type Column, type Output } from "../output.js";
import { sessionFor, type CliIo } from "../session.js";

interface IssueOptions {
  readonly scope?: readonly string[];
  readonly label?: string;
  readonly kind?: ApiKeyKind;
  readonly expiresAt?: string;
}

/** `openwop keys …`: key management (auth.md §10); everything but `whoami` needs keys:manage. */
export function registerKeys(program: Command, io: CliIo): void {
  const keys = program
    .command("keys")
    .description("issue, list, rotate and revoke API keys; see failed authentications");
  withExample(keys, "openwop keys whoami");

  const issue = keys
    .command("issue")
    .description("issue a key (POST /v1/keys); its secret is shown once, on standard output")
    .option("--scope <scopes>", "a scope of the key (repeatable or comma-separated; at least one)", collectList)
    .option("--label <text>", "a name to recognise the key by")
    .addOption(new Option("--kind <kind>", "live or test").choices(API_KEY_KIND_VALUES))
    .option("--expires-at <date-time>", "when the key stops working", instant)
    .action(async (options: IssueOptions, command: Command) => {
      const [first, ...rest] = options.scope ?? [];
      if (first === undefined)
        throw new UsageError("keys issue needs at least one --scope, e.g. --scope runs:create,runs:read");
      const session = sessionFor(io, command);
      const body: CreateApiKeyRequest = {
        scopes: [first, ...rest],
        ...(options.label === undefined ? {} : { label: options.label }),
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
      };
      const issued = await (await session.client()).keys.create(body);
      printIssued(session.out, issued);
    });
  withExample(issue, 'openwop keys issue --scope runs:create,runs:read --label "billing worker" --json');

  const list = keys
    .command("list")
    .description("list the tenant's keys, newest first (GET /v1/keys)")
    .option("--limit <n>", "page size, 1..100", integerIn(1, 100))
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(async (options: { readonly limit?: number; readonly cursor?: string }, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const page = await (await session.client()).keys.list({
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
      });
      out.result(page, () => {
        printKeyTable(out, page.keys);
        if (page.nextCursor) out.note(`more: openwop keys list --cursor ${page.nextCursor}`);
      });
    });
  withExample(list, "openwop keys list --limit 20");

  const whoami = keys
    .command("whoami")
    .description("the key this CLI authenticates with: tenant, scopes, expiry (GET /v1/keys/self)")
    .action(async (_options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      const key = await (await session.client()).keys.self();
      session.out.result(key, () => printKey(session.out, key));
    });
  withExample(whoami, "openwop keys whoami --json");

  const rotate = keys
    .command("rotate")
    .description(
      "issue a key's successor; the old one keeps working for the grace period (POST /v1/keys/{keyId}/rotate)",
    )
    .argument("<keyId>")
    .option("--grace-seconds <n>", "how long the old key keeps working", integerIn(0, 31_536_000))
    .action(async (keyId: string, options: { readonly graceSeconds?: number }, command: Command) => {
      const session = sessionFor(io, command);
      const issued = await (await session.client()).keys.rotate(
        keyId,
        options.graceSeconds === undefined ? {} : { graceSeconds: options.graceSeconds },
      );
      printIssued(session.out, issued);
    });
  withExample(rotate, "openwop keys rotate key_01J… --grace-seconds 3600");

  const revoke = keys
    .command("revoke")
    .description("revoke a key at once (DELETE /v1/keys/{keyId})")
    .argument("<keyId>")
    .action(async (keyId: string, _options: unknown, command: Command) => {
      const session = sessionFor(io, command);
      await (await session.client()).keys.revoke(keyId);
      session.out.result({ keyId, revoked: true }, () => session.out.line(`key ${keyId} revoked`));
    });
  withExample(revoke, "openwop keys revoke key_01J…");

  const failures = keys
    .command("failures")
    .description("the tenant's failed authentications, grouped by reason, key and route (GET /v1/keys/failures)")
    .option("--since <date-time>", "from this instant (the host's default: 24 hours ago)", instant)
    .action(async (options: { readonly since?: string }, command: Command) => {
      const session = sessionFor(io, command);
      const { out } = session;
      const summary = await (await session.client()).keys.failures(
        options.since === undefined ? {} : { since: options.since },
      );
      out.result(summary, () => {
        out.note(`authentication failures since ${summary.since}`);
        if (summary.failures.length === 0) {
          out.note("none");
          return;
        }
        out.table(
          [
            { heading: "REASON", value: (row) => row.reason },
            { heading: "KEY", value: (row) => row.keyPrefix },
            { heading: "ROUTE", value: (row) => row.route },
            { heading: "COUNT", value: (row) => row.count },
            { heading: "LAST SEEN", value: (row) => row.lastSeen },
          ],
          summary.failures,
        );
      });
    });
  withExample(failures, "openwop keys failures --since 2026-01-31T00:00:00Z");
}

function printIssued(out: Output, issued: IssuedApiKey): void {
  out.result(issued, () => {
    out.fields([
      ["keyId", issued.keyId],
      ["key", issued.key],
      ["tenant", issued.tenant],
      ["scopes", issued.scopes],
      ["expiresAt", issued.expiresAt ?? "never"],
      ...(issued.replaces ? [["replaces", issued.replaces] as const] : []),
      ...(issued.graceUntil ? [["graceUntil", issued.graceUntil] as const] : []),
    ]);
    out.note("the key is shown this once: store it now");
  });
}

function printKey(out: Output, key: ApiKey): void {
  out.fields([
    ["keyId", key.keyId],
    ["prefix", key.prefix],
    ["tenant", key.tenant],
    ["label", key.label],
    ["scopes", key.scopes],
    ["status", out.status(key.status)],
    ["kind", key.kind],
    ["origin", key.origin],
    ["expiresAt", key.expiresAt ?? "never"],
    ["lastUsedAt", key.lastUsedAt],
  ]);
}

function printKeyTable(out: Output, keys: readonly ApiKey[]): void {
  const columns: Column<ApiKey>[] = [
    { heading: "KEY ID", value: (key) => key.keyId },
    { heading: "PREFIX", value: (key) => key.prefix },
    { heading: "STATUS", value: (key) => key.status, tint: (text, key) => out.paint(statusStyle(key.status), text) },
    { heading: "LABEL", value: (key) => key.label },
    { heading: "SCOPES", value: (key) => key.scopes },
    { heading: "EXPIRES", value: (key) => key.expiresAt ?? "never" },
  ];
  out.table(columns, keys);
}
