import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { HostKind } from "./options.js";

const PACKAGES: Record<HostKind, string> = {
  sqlite: "@openwop/host-sqlite",
  postgres: "@openwop/host-postgres",
};

/** The built entry point (`dist/main.js`) of a host package, found through the workspace link. */
export function hostEntry(kind: HostKind): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${PACKAGES[kind]}/package.json`)), "dist", "main.js");
}

/** Claim lease of the soak's hosts: short, so a killed process's runs are taken over within a cycle. */
export const CLAIM_TTL_MS = 1_000;

/**
 * What every soak host process gets besides its storage. One seal key for all of them: a
 * subscription's signing secret sealed by a process that was killed must open in its successor.
 */
export function soakHostEnvironment(apiKey: string, workflowsDir: string): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    OPENWOP_API_KEY: apiKey,
    OPENWOP_WORKFLOWS_DIR: workflowsDir,
    OPENWOP_LOG_LEVEL: "warn",
    OPENWOP_CLAIM_TTL_MS: String(CLAIM_TTL_MS),
    OPENWOP_HEARTBEAT_INTERVAL_MS: "300",
    // The receiver listens on loopback over plain http, which a host refuses unless told so.
    OPENWOP_WEBHOOK_ALLOW_PRIVATE: "true",
    OPENWOP_WEBHOOK_LEASE_MS: "2000",
    OPENWOP_WEBHOOK_RETRY_BASE_MS: "50",
    OPENWOP_WEBHOOK_MAX_RETRY_DELAY_MS: "500",
    OPENWOP_WEBHOOK_SECRET_KEY: SEAL_KEY,
  };
}

const SEAL_KEY = randomBytes(32).toString("base64");
