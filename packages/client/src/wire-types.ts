/**
 * The slice of the OpenWOP v1 wire shapes this client reads. Hosts may send more (every
 * root is open), so each type keeps an index signature and readers ignore the rest.
 */

export const TERMINAL_RUN_STATUSES = ["completed", "failed", "cancelled"] as const;
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];

export type RunStatus =
  | "pending"
  | "running"
  | "paused"
  | "waiting-approval"
  | "waiting-input"
  | "waiting-external"
  | "cancelling"
  | TerminalRunStatus
  // Readers must tolerate statuses added after v1.0.
  | (string & {});

/** True for the three statuses after which a run never changes again. */
export function isTerminalStatus(status: string): status is TerminalRunStatus {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

export interface DiscoveryDocument {
  readonly protocolVersion: string;
  readonly supportedEnvelopes: readonly string[];
  readonly schemaVersions: Readonly<Record<string, number>>;
  readonly limits: Readonly<Record<string, number>>;
  readonly implementation?: { readonly name: string; readonly version: string; readonly vendor?: string };
  readonly fixtures?: readonly string[];
  readonly [key: string]: unknown;
}

export interface CreateRunRequest {
  readonly workflowId: string;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly configurable?: Readonly<Record<string, unknown>>;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export interface CreateRunResponse {
  readonly runId: string;
  readonly status: RunStatus;
  readonly eventsUrl: string;
  readonly statusUrl?: string;
  readonly [key: string]: unknown;
}

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface RunSnapshot {
  readonly runId: string;
  readonly workflowId: string;
  readonly status: RunStatus;
  readonly currentNodeId?: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly error?: RunError;
  readonly [key: string]: unknown;
}

export interface RunEvent {
  readonly eventId: string;
  readonly runId: string;
  readonly type: string;
  readonly payload: unknown;
  readonly timestamp: string;
  readonly sequence: number;
  readonly nodeId?: string;
  readonly [key: string]: unknown;
}

export interface PollResponse {
  readonly events: readonly RunEvent[];
  readonly isComplete?: boolean;
  readonly isTerminal?: boolean;
  readonly lastEventSeq?: number;
  readonly runStatus?: RunStatus;
  readonly [key: string]: unknown;
}

export interface CancelRunResponse {
  readonly runId: string;
  readonly status: RunStatus;
  readonly [key: string]: unknown;
}

export interface ResolveInterruptResponse {
  readonly runId?: string;
  readonly nodeId?: string;
  readonly status?: RunStatus;
  readonly [key: string]: unknown;
}

export interface WorkflowDefinition {
  readonly id: string;
  readonly name?: string;
  readonly nodes?: readonly unknown[];
  readonly [key: string]: unknown;
}

export type StreamMode = "updates" | "values" | "messages" | "debug";
