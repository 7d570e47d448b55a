import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake Slack answers for one request: a status (plus headers), or `hang` to never answer. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | "hang";

export interface ReceivedRequest {
  readonly path: string;
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: string;
  readonly at: number;
}

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for Slack's webhook endpoint, or an
 * HTTPS one when given a key and certificate. Replies: `respond` decides first (per request), then
 * the script is consumed in order; after both, it answers 200 "ok".
 */
export class FakeSlack {
  readonly requests: ReceivedRequest[] = [];
  /** Per-request answer; `undefined` falls through to the script. */
  respond: ((req: ReceivedRequest, index: number) => Reply | undefined) | undefined;
  constructor(private readonly tls?: { readonly key: string; readonly cert: string }) {}
  private readonly replies: Reply[] = [];
  private readonly hung: ServerResponse[] = [];
  private server: Server | undefined;
  private port = 0;

  script(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  url(path = "/services/T000/B000/secret-token"): string {
    return `${this.tls ? "https" : "http"}://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const received: ReceivedRequest = {
          path: req.url ?? "",
          method: req.method ?? "",
          contentType: req.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        };
        this.requests.push(received);
        const reply = this.respond?.(received, this.requests.length - 1) ?? this.replies.shift() ?? { status: 200, body: "ok" };
        if (reply === "hang") {
          this.hung.push(res);
          return;
        }
        res.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
        res.end(reply.body ?? (reply.status === 200 ? "ok" : "error"));
      });
    };
    this.server = this.tls ? createHttpsServer({ key: this.tls.key, cert: this.tls.cert }, listener) : createServer(listener);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Parsed JSON bodies received so far. */
  payloads(): Record<string, unknown>[] {
    return this.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }
}
