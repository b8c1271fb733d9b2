/**
 * Each switch breaks exactly one behaviour of an otherwise correct host, so that a test
 * can prove the suite notices: the matching scenarios fail and nothing else changes.
 */
export const FAULT_SWITCHES = [
  "envelope-extra-key",
  "retry-after-missing",
  "duplicate-terminal",
  "sequence-gap",
  "replay-header-missing",
  "unauthenticated-as-forbidden",
  "sse-never-closes",
  "junk-accepted",
] as const;

export type FaultSwitch = (typeof FAULT_SWITCHES)[number];

export const FAULT_DESCRIPTIONS: Readonly<Record<FaultSwitch, string>> = {
  "envelope-extra-key": "adds a top-level correlationId to every error envelope (the envelope is closed)",
  "retry-after-missing": "drops the Retry-After header from every 503",
  "duplicate-terminal": "repeats the terminal event, in poll responses and on SSE streams",
  "sequence-gap": "loses the event with sequence 1, in poll responses and on SSE streams",
  "replay-header-missing": "drops openwop-Idempotent-Replay from replayed answers",
  "unauthenticated-as-forbidden": "answers 403 forbidden where the host said 401 unauthenticated",
  "sse-never-closes": "keeps SSE responses open (with keep-alives) after the host ends them",
  "junk-accepted":
    "answers as a host that checks only syntax and required members: refusals of wrong-typed or unknown members, " +
    "scalar bodies, bodies that are not UTF-8 or too large, non-integer query parameters and malformed " +
    "Idempotency-Keys become successes; a null body and ids no host issues become 500s",
};
