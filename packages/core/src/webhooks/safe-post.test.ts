import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { ReceiverAgents } from "./receiver-agents.js";
import { postWebhook, RESPONSE_EXCERPT_BYTES } from "./safe-post.js";
import type { WebhookLookup } from "./url-safety.js";

const STRICT = { allowPrivate: false };
const DEV = { allowPrivate: true };
const SECRET_HEADER = "sha256=0123456789abcdef-this-must-never-appear-in-an-error";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  servername?: string | false | null;
}

interface Receiver {
  port: number;
  received: Received[];
  /** Sockets opened to the receiver, whether or not a request came over them. */
  connections: number;
  /** Resolves when a socket to the receiver has closed. */
  socketClosed: Promise<void>;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

type Handler = (request: IncomingMessage, response: ServerResponse, received: Received) => void;

async function listen(server: Server, host: string, port: number, handler: Handler): Promise<Receiver> {
  servers.push(server);
  const receiver: Receiver = { port: 0, received: [], connections: 0, socketClosed: Promise.resolve() };
  let closed: () => void = () => {};
  receiver.socketClosed = new Promise((resolve) => {
    closed = resolve;
  });
  server.on("connection", (socket: Socket) => {
    receiver.connections += 1;
    socket.on("close", () => closed());
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received: Received = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        servername: (request.socket as TLSSocket).servername,
      };
      receiver.received.push(received);
      handler(request, response, received);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  return receiver;
}

function receiver(handler: Handler, host = "127.0.0.1", port = 0): Promise<Receiver> {
  return listen(createServer(), host, port, handler);
}

const ok: Handler = (_request, response) => {
  response.writeHead(200, { "content-type": "text/plain" });
  response.end("thanks");
};

/** A resolver answering `answers[i]` to its i-th question (the last one thereafter), counting questions. */
function scriptedLookup(...answers: string[][]): WebhookLookup & { calls: number } {
  const state = { calls: 0 };
  const lookup = async () => {
    const answer = answers[Math.min(state.calls, answers.length - 1)] ?? [];
    state.calls += 1;
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.defineProperty(lookup, "calls", { get: () => state.calls }) as unknown as WebhookLookup & {
    calls: number;
  };
}

const body = JSON.stringify({ runId: "run-1", workspaceId: "t1", event: { type: "run.completed", sequence: 2 } });
const headers = { "Content-Type": "application/json", "X-openwop-Signature": SECRET_HEADER };

describe("postWebhook delivers", () => {
  it("POSTs the body and headers to a loopback receiver under allowPrivate", async () => {
    const server = await receiver((_request, response) => {
      response.writeHead(202);
      response.end("accepted, thanks");
    });
    const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/hooks/in?tenant=t1`, headers, body }, DEV);
    expect(result).toMatchObject({
      delivered: true,
      statusCode: 202,
      address: "127.0.0.1",
      error: null,
      responseExcerpt: "accepted, thanks",
    });
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(server.received).toHaveLength(1);
    const [got] = server.received;
    expect(got?.method).toBe("POST");
    expect(got?.url).toBe("/hooks/in?tenant=t1");
    expect(got?.body).toBe(body);
    expect(got?.headers["x-openwop-signature"]).toBe(SECRET_HEADER);
    expect(got?.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(got?.headers["host"]).toBe(`127.0.0.1:${server.port}`);
  });

  it("sends the URL's name as Host while connecting to the validated address", async () => {
    const server = await receiver(ok);
    const lookup = scriptedLookup(["127.0.0.1"]);
    const result = await postWebhook(
      { url: `http://hooks.example.test:${server.port}/in`, headers: { ...headers, Host: "evil.example" }, body },
      DEV,
      { lookup },
    );
    expect(result.delivered).toBe(true);
    expect(server.received[0]?.headers["host"]).toBe(`hooks.example.test:${server.port}`);
  });

  it("reaches an IPv6 loopback literal", async () => {
    let server: Receiver;
    try {
      server = await receiver(ok, "::1");
    } catch {
      return; // no IPv6 loopback on this machine
    }
    const result = await postWebhook({ url: `http://[::1]:${server.port}/`, headers, body }, DEV);
    expect(result).toMatchObject({ delivered: true, statusCode: 200, address: "::1" });
  });

  it("refuses a loopback receiver without allowPrivate, before connecting", async () => {
    const server = await receiver(ok);
    const literal = await postWebhook({ url: `https://127.0.0.1:${server.port}/`, headers, body }, STRICT);
    const lookup = scriptedLookup(["127.0.0.1"]);
    const named = await postWebhook({ url: `https://hooks.example.test:${server.port}/`, headers, body }, STRICT, {
      lookup,
    });
    const mixed = await postWebhook({ url: `https://hooks.example.test:${server.port}/`, headers, body }, STRICT, {
      lookup: scriptedLookup(["203.0.113.10", "127.0.0.1"]),
    });
    for (const result of [literal, named, mixed]) {
      expect(result).toMatchObject({ delivered: false, statusCode: null, address: null, responseExcerpt: null });
      expect(result.error).toMatch(/^refused: .*internal address/);
    }
    expect(server.connections).toBe(0);
    const plain = await postWebhook({ url: `http://hooks.example.test:${server.port}/`, headers, body }, STRICT, {
      lookup,
    });
    expect(plain.error).toMatch(/^refused: .*https/);
    expect(server.connections).toBe(0);
  });
});

describe("postWebhook with keep-alive agents", () => {
  it("sends consecutive deliveries to one receiver over one connection", async () => {
    const server = await receiver(ok);
    const agents = new ReceiverAgents();
    try {
      for (let i = 0; i < 5; i += 1) {
        const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/in`, headers, body }, DEV, { agents });
        expect(result).toMatchObject({ delivered: true, address: "127.0.0.1" });
      }
      expect(server.received).toHaveLength(5);
      expect(server.connections).toBe(1);
    } finally {
      agents.destroy();
    }
  });

  it("reuses one connection for many deliveries without piling listeners on its socket", async () => {
    const server = await receiver(ok);
    const agents = new ReceiverAgents();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on("warning", onWarning);
    try {
      for (let i = 0; i < 15; i += 1) {
        const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/in`, headers, body }, DEV, { agents });
        expect(result).toMatchObject({ delivered: true, address: "127.0.0.1" });
      }
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(server.connections).toBe(1);
      expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      agents.destroy();
    }
  });

  it("opens a new, pinned connection when the name resolves elsewhere, never reusing the old one", async () => {
    const first = await receiver(ok, "127.0.0.1");
    let second: Receiver;
    try {
      second = await receiver(ok, "127.0.0.2", first.port);
    } catch {
      return; // no 127.0.0.2 on this machine: the port cannot be shared
    }
    const agents = new ReceiverAgents();
    try {
      const lookup = scriptedLookup(["127.0.0.1"], ["127.0.0.2"]);
      const url = `http://moving.example.test:${first.port}/in`;
      const before = await postWebhook({ url, headers, body }, DEV, { lookup, agents });
      const after = await postWebhook({ url, headers, body }, DEV, { lookup, agents });
      expect([before.address, after.address]).toEqual(["127.0.0.1", "127.0.0.2"]);
      expect([first.received.length, second.received.length]).toEqual([1, 1]);
    } finally {
      agents.destroy();
    }
  });

  it("closes a connection whose answer was cut short instead of reusing it", async () => {
    const server = await receiver((_request, response) => {
      response.writeHead(307, { location: "http://127.0.0.1:1/" });
      response.end("moved");
    });
    const agents = new ReceiverAgents();
    try {
      await postWebhook({ url: `http://127.0.0.1:${server.port}/in`, headers, body }, DEV, { agents });
      await postWebhook({ url: `http://127.0.0.1:${server.port}/in`, headers, body }, DEV, { agents });
      expect(server.connections).toBe(2);
    } finally {
      agents.destroy();
    }
  });
});

describe("postWebhook pins the connection to the validated address (DNS rebinding)", () => {
  it("connects to the first answer even when a second resolution would point elsewhere", async () => {
    const validated = await receiver(ok, "127.0.0.1");
    let elsewhere: Receiver;
    try {
      elsewhere = await receiver(ok, "127.0.0.2", validated.port);
    } catch {
      elsewhere = await receiver(ok, "127.0.0.1"); // no 127.0.0.2: a different port stands in
    }
    const lookup = scriptedLookup(["127.0.0.1"], [`127.0.0.2`]);
    const result = await postWebhook({ url: `http://rebind.example.test:${validated.port}/`, headers, body }, DEV, {
      lookup,
    });
    expect(result).toMatchObject({ delivered: true, address: "127.0.0.1" });
    expect(validated.received).toHaveLength(1);
    expect(elsewhere.connections).toBe(0);
    expect(lookup.calls).toBe(1);
  });

  it("never lets a second answer reach a private receiver after a public one was validated", async () => {
    const internal = await receiver(ok, "127.0.0.1");
    const lookup = scriptedLookup(["203.0.113.10"], ["127.0.0.1"]);
    const tls = await postWebhook(
      { url: `https://rebind.example.test:${internal.port}/`, headers, body, timeoutMs: 400 },
      STRICT,
      { lookup },
    );
    expect(tls.delivered).toBe(false);
    expect(tls.address === null || tls.address === "203.0.113.10").toBe(true);
    expect(internal.connections).toBe(0);
    expect(lookup.calls).toBe(1);
  });

  it("resolves and validates again at every attempt", async () => {
    const server = await receiver(ok);
    const lookup = scriptedLookup(["127.0.0.1"], ["10.0.0.7"]);
    const request = { url: `https://hooks.example.test:${server.port}/`, headers, body, timeoutMs: 400 };
    // First attempt: validated (under allowPrivate) and sent; TLS to a plain server fails, which does not matter here.
    await postWebhook(request, DEV, { lookup });
    const second = await postWebhook(request, STRICT, { lookup });
    expect(lookup.calls).toBe(2);
    expect(second.error).toMatch(/^refused: .*internal address/);
    expect(server.connections).toBe(1);
  });
});

describe("postWebhook fails an attempt", () => {
  it("on a redirect, without following it", async () => {
    const target = await receiver(ok);
    for (const status of [301, 302, 303, 307, 308]) {
      const origin = await receiver((_request, response) => {
        response.writeHead(status, { location: `http://127.0.0.1:${target.port}/elsewhere` });
        response.end("moved");
      });
      const result = await postWebhook({ url: `http://127.0.0.1:${origin.port}/`, headers, body }, DEV);
      expect(result).toMatchObject({ delivered: false, statusCode: status, error: "redirect not followed" });
      expect(origin.received).toHaveLength(1);
    }
    expect(target.connections).toBe(0);
  });

  it.each([400, 401, 404, 410, 429, 500, 503])("on a %i, keeping the answer's start", async (status) => {
    const server = await receiver((_request, response) => {
      response.writeHead(status);
      response.end("busy, try later");
    });
    const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/`, headers, body }, DEV);
    expect(result).toMatchObject({
      delivered: false,
      statusCode: status,
      address: "127.0.0.1",
      error: `${status} from the receiver`,
      responseExcerpt: "busy, try later",
    });
  });

  it("on a receiver that never answers, within about the timeout", async () => {
    const server = await receiver(() => {});
    const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/`, headers, body, timeoutMs: 300 }, DEV);
    expect(result).toMatchObject({
      delivered: false,
      statusCode: null,
      address: "127.0.0.1",
      error: "timed out after 300 ms",
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(1500);
    expect(server.received).toHaveLength(1);
    await server.socketClosed; // the attempt dropped its connection
  });

  it("on a resolver that does not answer in time", async () => {
    const stuck: WebhookLookup = () => new Promise(() => {});
    const started = Date.now();
    const result = await postWebhook({ url: "https://slow-dns.example.test/", headers, body, timeoutMs: 200 }, STRICT, {
      lookup: stuck,
    });
    expect(result).toMatchObject({ delivered: false, error: "timed out after 200 ms", address: null });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("on a closed port, a name that does not resolve, and an invalid header, without throwing", async () => {
    const server = await receiver(ok);
    const port = server.port;
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const refused = await postWebhook({ url: `http://127.0.0.1:${port}/`, headers, body }, DEV);
    expect(refused).toMatchObject({ delivered: false, statusCode: null, error: "connection refused" });

    const missing: WebhookLookup = async () => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND nowhere.example.test ${SECRET_HEADER}`), {
        code: "ENOTFOUND",
      });
    };
    const unresolved = await postWebhook({ url: "https://nowhere.example.test/", headers, body }, STRICT, {
      lookup: missing,
    });
    expect(unresolved).toMatchObject({ delivered: false, error: "refused: the webhook host name did not resolve" });

    const badHeader = await postWebhook(
      { url: `http://127.0.0.1:${port}/`, headers: { ...headers, "X-Bad": `${SECRET_HEADER}\r\nInjected: 1` }, body },
      DEV,
    );
    expect(badHeader).toMatchObject({ delivered: false, error: "invalid request header" });

    for (const result of [refused, unresolved, badHeader]) {
      expect(result.error).not.toContain(SECRET_HEADER);
      expect(result.error).not.toContain("0123456789abcdef");
    }
  });
});

describe("postWebhook reads the answer up to a cap", () => {
  /** A receiver that streams `status` and then writes forever until the client goes away. */
  async function endless(status: number): Promise<Receiver & { written: () => number }> {
    let written = 0;
    const server = await receiver((_request, response) => {
      response.writeHead(status, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(16 * 1024, "x");
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) written += chunk.length;
        if (!response.destroyed) response.once("drain", pump);
      };
      pump();
    });
    return Object.assign(server, { written: () => written });
  }

  it("delivers a 2xx whose answer never ends, stopping at the cap", async () => {
    const server = await endless(200);
    const started = Date.now();
    const result = await postWebhook(
      { url: `http://127.0.0.1:${server.port}/`, headers, body, timeoutMs: 10_000, maxResponseBytes: 8192 },
      DEV,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ delivered: true, statusCode: 200, error: null });
    expect(result.responseExcerpt).toBe("x".repeat(RESPONSE_EXCERPT_BYTES));
    await server.socketClosed;
  });

  it("fails a 5xx whose answer never ends just as quickly", async () => {
    const server = await endless(500);
    const started = Date.now();
    const result = await postWebhook(
      { url: `http://127.0.0.1:${server.port}/`, headers, body, timeoutMs: 10_000, maxResponseBytes: 4096 },
      DEV,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ delivered: false, statusCode: 500, error: "500 from the receiver" });
    expect(result.responseExcerpt).toHaveLength(RESPONSE_EXCERPT_BYTES);
    await server.socketClosed;
  });

  it("delivers a 2xx with a large finite body, reading no more than the default cap", async () => {
    const big = `${"é".repeat(600)}${"y".repeat(2 * 1024 * 1024)}`;
    const server = await receiver((_request, response) => {
      response.writeHead(200);
      response.end(big);
    });
    const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/`, headers, body }, DEV);
    expect(result).toMatchObject({ delivered: true, statusCode: 200, error: null });
    // 600 two-byte characters fill 1200 bytes: the excerpt is the first 512 whole ones, nothing cut in half.
    expect(result.responseExcerpt).toBe("é".repeat(512));
    expect(Buffer.byteLength(result.responseExcerpt ?? "")).toBeLessThanOrEqual(RESPONSE_EXCERPT_BYTES);
  });

  it("keeps an empty answer as an empty excerpt, and no answer as none", async () => {
    const server = await receiver((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const result = await postWebhook({ url: `http://127.0.0.1:${server.port}/`, headers, body }, DEV);
    expect(result).toMatchObject({ delivered: true, statusCode: 204, responseExcerpt: "" });
  });
});

/** A self-signed certificate for `name`, made by the openssl CLI, when the machine has one. */
function certificateFor(name: string): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), "openwop-webhook-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        `/CN=${name}`,
        "-addext",
        `subjectAltName=DNS:${name}`,
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tlsName = "hooks.example.test";
const pair = certificateFor(tlsName);

describe.skipIf(pair === null)("postWebhook over TLS", () => {
  async function tlsReceiver(): Promise<Receiver> {
    if (pair === null) throw new Error("no certificate");
    return listen(createTlsServer({ key: pair.key, cert: pair.cert }) as unknown as Server, "127.0.0.1", 0, ok);
  }

  it("sends the URL's name as SNI and checks the certificate against it, while connecting to the pinned address", async () => {
    const server = await tlsReceiver();
    const lookup = scriptedLookup(["127.0.0.1"], ["127.0.0.2"]);
    const result = await postWebhook({ url: `https://${tlsName}:${server.port}/in`, headers, body }, DEV, {
      lookup,
      ca: pair?.cert,
    });
    expect(result).toMatchObject({ delivered: true, statusCode: 200, address: "127.0.0.1", error: null });
    expect(server.received[0]?.servername).toBe(tlsName);
    expect(server.received[0]?.headers["host"]).toBe(`${tlsName}:${server.port}`);
    expect(lookup.calls).toBe(1);
  });

  it("strips a trailing dot from the SNI name", async () => {
    const server = await tlsReceiver();
    const result = await postWebhook({ url: `https://${tlsName}.:${server.port}/in`, headers, body }, DEV, {
      lookup: scriptedLookup(["127.0.0.1"]),
      ca: pair?.cert,
    });
    expect(result.delivered).toBe(true);
    expect(server.received[0]?.servername).toBe(tlsName);
  });

  it("refuses a certificate it does not trust", async () => {
    const server = await tlsReceiver();
    const result = await postWebhook({ url: `https://${tlsName}:${server.port}/in`, headers, body }, DEV, {
      lookup: scriptedLookup(["127.0.0.1"]),
    });
    expect(result.delivered).toBe(false);
    expect(result.error).toMatch(/^TLS certificate refused \(/);
    expect(server.received).toHaveLength(0);
  });

  it("refuses a trusted certificate for another name", async () => {
    const server = await tlsReceiver();
    const result = await postWebhook({ url: `https://other.example.test:${server.port}/in`, headers, body }, DEV, {
      lookup: scriptedLookup(["127.0.0.1"]),
      ca: pair?.cert,
    });
    expect(result).toMatchObject({ delivered: false, error: "TLS certificate does not match the host name" });
    expect(server.received).toHaveLength(0);
  });
});
