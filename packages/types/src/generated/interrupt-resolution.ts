// generated — do not edit; run pnpm generate
// Source: schemas/interrupt-resolution.schema.json (packages/types/scripts/generate.mjs).

/**
 * The answer that resumes the suspended node. A value that carries `action` is an approval decision and must be a valid one; a value that carries `answers` is a clarification reply and must be a valid one. Anything else is an external-event or custom resume whose shape the suspending node defines.
 */
export type ResumeValue = ApprovalResume | ClarificationResume | ExternalEventResume | CustomResume;
export type ClarificationAnswerList = ClarificationAnswer[];

/**
 * Body of POST /v1/runs/{runId}/interrupts/{nodeId} and POST /v1/interrupts/{token}.
 */
export interface InterruptResolution {
  resumeValue: ResumeValue;
}
export interface ApprovalResume {
  action: "accept" | "reject" | "refine" | "edit-accept";
  feedback?: string;
  comment?: string;
  refineFeedback?: RefineFeedback;
  /**
   * The edited artifact accepted in place of the proposed one; any JSON value.
   */
  editedArtifactData?: unknown;
  /**
   * Who decided. Hosts fill it from the authenticated caller when absent.
   */
  decidedBy?: string;
  decidedAt?: string;
}
/**
 * What to change when an approver asks for a refinement.
 */
export interface RefineFeedback {
  scope: "whole" | "section" | "items";
  sectionPath?: string;
  itemIds?: string[];
  tags?: string[];
  text?: string;
}
export interface ClarificationResume {
  /**
   * Answers keyed by question id ({"q1": "blue"}), or the equivalent list form ([{"id": "q1", "answer": "blue"}]). Both are in use, so both are accepted.
   */
  answers: ClarificationAnswerMap | ClarificationAnswerList;
}
export interface ClarificationAnswerMap {
  [k: string]: unknown;
}
export interface ClarificationAnswer {
  id: string;
  /**
   * Any JSON value.
   */
  answer: unknown;
}
/**
 * Delivers the awaited external event.
 */
export interface ExternalEventResume {
  /**
   * Any JSON value.
   */
  eventPayload: unknown;
  correlationId?: string;
}
/**
 * A resume value for a custom interrupt. It may not use the keys that identify approval and clarification answers, so a malformed approval or clarification cannot slip through as a custom value.
 */
export interface CustomResume {
  [k: string]: unknown;
}
