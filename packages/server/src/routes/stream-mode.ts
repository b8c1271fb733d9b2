import { NON_UPDATE_EVENT_TYPES, ProtocolError } from "@openwop/core";
import type { RunEvent } from "@openwop/storage";
import { STREAM_MODE_VALUES, type StreamMode } from "@openwop/types";

/** The parsed `?streamMode=`: one mode or a union of modes (`values` stands alone). */
export interface StreamSelection {
  modes: ReadonlySet<StreamMode>;
}

const unsupported = (requested: string): ProtocolError =>
  new ProtocolError("unsupported_stream_mode", `stream mode "${requested}" is not supported`, {
    supported: [...STREAM_MODE_VALUES],
  });

export function parseStreamMode(raw: string | undefined): StreamSelection {
  if (raw === undefined || raw === "") return { modes: new Set(["updates"]) };
  const parts = raw.split(",");
  if (!parts.every((part): part is StreamMode => (STREAM_MODE_VALUES as readonly string[]).includes(part)))
    throw unsupported(raw);
  const modes = new Set(parts);
  if (modes.has("values") && modes.size > 1) throw unsupported(raw);
  return { modes };
}

/** Whether an event belongs in the stream, and which mode admitted it (for mixed streams). */
export function admittingMode(selection: StreamSelection, event: RunEvent): StreamMode | undefined {
  if (selection.modes.has("debug")) return "debug";
  if (selection.modes.has("updates") && !NON_UPDATE_EVENT_TYPES.has(event.type)) return "updates";
  if (selection.modes.has("messages") && event.type === "output.chunk") return "messages";
  return undefined;
}

/** `values` mode sends a state snapshot after every update-tier transition. */
export function wantsSnapshot(selection: StreamSelection, event: RunEvent): boolean {
  return selection.modes.has("values") && !NON_UPDATE_EVENT_TYPES.has(event.type);
}
