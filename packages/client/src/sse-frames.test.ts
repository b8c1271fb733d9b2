import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { WireError } from "./errors.js";
import { parseFrameData, readSseFrames, type SseFrame } from "./sse-frames.js";
import { startTestServer } from "./testing/test-server.js";

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function collect(iterable: AsyncIterable<SseFrame>): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for await (const frame of iterable) frames.push(frame);
  return frames;
}

describe("streamEvents", () => {
  it("parses frames split across chunks, skips comments and ends when the server closes", async () => {
    const seen: Record<string, string | undefined> = {};
    server = await startTestServer((request, response) => {
      seen.url = request.url;
      seen.lastEventId = request.headers["last-event-id"] as string | undefined;
      seen.authorization = request.headers.authorization;
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(":keepalive\n\n");
      response.write('id: 3\nevent: node.completed\ndata: {"sequence":3,');
      setTimeout(() => {
        response.write('"type":"node.completed"}\n\n');
        response.end('id: 4\nevent: run.completed\ndata: {"sequence":4}\n\n');
      }, 20);
    });
    const client = createClient({ baseUrl: `${server.url}/`, apiKey: "k1" });
    const frames = await collect(client.streamEvents("run 1", { lastEventId: 2, streamMode: "debug" }));

    expect(seen).toEqual({
      url: "/v1/runs/run%201/events?streamMode=debug",
      lastEventId: "2",
      authorization: "Bearer k1",
    });
    expect(frames.map((frame) => [frame.id, frame.event])).toEqual([
      ["3", "node.completed"],
      ["4", "run.completed"],
    ]);
    expect(parseFrameData(frames[0] as SseFrame)).toEqual({ sequence: 3, type: "node.completed" });
  });

  it("drops a last frame the server closed without its blank line, as the SSE spec does", async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end("id: 0\nevent: run.started\ndata: {}");
    });
    const frames = await collect(createClient({ baseUrl: server.url }).streamEvents("r"));
    expect(frames).toEqual([]);
  });

  it("throws a WireError carrying the envelope before the first frame on a non-2xx", async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: "unsupported_stream_mode", message: "no", details: { supported: ["updates"] } }),
      );
    });
    const client = createClient({ baseUrl: server.url });
    const error = await client.openEventStream("r", { streamMode: "bogus" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WireError);
    expect((error as WireError).status).toBe(400);
    expect((error as WireError).code).toBe("unsupported_stream_mode");
    expect((error as WireError).envelope?.details).toEqual({ supported: ["updates"] });
  });

  it("lets the caller stop a stream the server keeps open", async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("id: 0\nevent: run.started\ndata: {}\n\n");
    });
    const controller = new AbortController();
    const frames: SseFrame[] = [];
    const reading = (async () => {
      for await (const frame of createClient({ baseUrl: server.url }).streamEvents("r", {
        signal: controller.signal,
      })) {
        frames.push(frame);
        controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow();
    expect(frames).toHaveLength(1);
  });
});

describe("readSseFrames", () => {
  it("reports comments to onComment in stream order, never as frames", async () => {
    const body = new Response(": keepalive\n\nid: 0\nevent: run.started\ndata: {}\n\n:second\n\n").body!;
    const comments: string[] = [];
    const frames = await collect(readSseFrames(body, { onComment: (comment) => comments.push(comment) }));
    expect(comments).toEqual(["keepalive", "second"]);
    expect(frames).toEqual([{ id: "0", event: "run.started", data: "{}" }]);
  });
});
