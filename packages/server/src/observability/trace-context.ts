import type { StoredTraceContext } from "@openwop/core";

/** version-traceid-parentid-flags; later versions may append fields after a dash. */
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?$/;

/**
 * A W3C `traceparent` header, or undefined when it is absent or malformed (which is
 * ignored, never an error: observability.md §2.1). Version `ff` and all-zero ids are invalid;
 * version `00` allows nothing after the flags.
 */
export function parseTraceparent(header: string | undefined): StoredTraceContext | undefined {
  const match = TRACEPARENT.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}
