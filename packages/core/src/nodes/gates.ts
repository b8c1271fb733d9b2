import type { JsonObject, JsonValue } from "@openwop/storage";
import { isJsonObject } from "../json.js";
import type { NodeOutcome, NodeType } from "./types.js";

export const APPROVAL_ACTIONS = ["accept", "reject", "refine", "edit-accept"] as const;

/**
 * Suspends the run until a person approves or rejects. The resume value's `action` is
 * the decision. A rejection fails the node with `approval_rejected` unless
 * `config.onReject` is `"continue"`, in which case the node completes with the decision
 * and downstream edges can branch on it (`sourceOutput` "approved" / "rejected").
 */
export const approvalGateNode: NodeType = {
  typeId: "core.approvalGate",
  execute: ({ config, resumeValue }): NodeOutcome => {
    if (resumeValue === null) {
      const actions = Array.isArray(config["actions"]) ? config["actions"] : ["accept", "reject"];
      const data: JsonObject = {
        title: typeof config["title"] === "string" ? config["title"] : "Approval required",
        actions,
      };
      if (typeof config["description"] === "string") data["description"] = config["description"];
      return { kind: "interrupt", interrupt: { kind: "approval", data } };
    }
    const decision = isJsonObject(resumeValue) ? resumeValue : {};
    const action = decision["action"] as JsonValue;
    const approved = action === "accept" || action === "edit-accept";
    if (action === "reject" && config["onReject"] !== "continue") {
      return { kind: "failed", error: { code: "approval_rejected", message: "the approval was rejected" } };
    }
    return {
      kind: "completed",
      outputs: { ...decision, approved },
      branch: approved ? "approved" : "rejected",
    };
  },
};

/** Suspends the run until a person answers `config.questions`; completes with the answers. */
export const clarificationGateNode: NodeType = {
  typeId: "core.clarificationGate",
  execute: ({ config, resumeValue }): NodeOutcome => {
    if (resumeValue === null) {
      const questions = Array.isArray(config["questions"]) ? config["questions"] : [];
      return { kind: "interrupt", interrupt: { kind: "clarification", data: { questions } } };
    }
    const answers = isJsonObject(resumeValue) ? (resumeValue["answers"] ?? {}) : {};
    return { kind: "completed", outputs: { answers } };
  },
};

/**
 * The generic interrupt (core.md §9.14): `config.kind` chooses the approval or the
 * clarification behaviour, with the rest of `config` read as that gate reads it.
 */
export const interruptNode: NodeType = {
  typeId: "core.interrupt",
  execute: (context): NodeOutcome | Promise<NodeOutcome> => {
    const kind = context.config["kind"];
    if (kind === "approval") return approvalGateNode.execute(context);
    if (kind === "clarification") return clarificationGateNode.execute(context);
    return {
      kind: "failed",
      error: {
        code: "invalid_node_config",
        message: `core.interrupt needs config.kind "approval" or "clarification", got ${JSON.stringify(kind ?? null)}`,
        details: { field: "config.kind" },
      },
    };
  },
};
