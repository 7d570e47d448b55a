/**
 * A local stand-in for the three AWS APIs the replay command uses, on 127.0.0.1, speaking each
 * one's wire protocol as the v3 SDK sends it: SQS (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.*`),
 * SNS (query protocol, form-encoded, XML answers) and Lambda (REST JSON, `POST
 * /2015-03-31/functions/<name>/invocations`). Point the SDK at it with AWS_ENDPOINT_URL_SQS,
 * AWS_ENDPOINT_URL_SNS and AWS_ENDPOINT_URL_LAMBDA, with fake credentials.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandinMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

interface Stored extends StandinMessage {
  receipt?: string;
  invisibleUntil: number;
}

export interface Invocation {
  readonly functionName: string;
  readonly payload: string;
}

export interface Publication {
  readonly topicArn: string;
  readonly message: string;
}

export class AwsStandin {
  readonly published: Publication[] = [];
  readonly invoked: Invocation[] = [];
  /** Function name -> how it answers; default: succeeds with `null`. */
  readonly functionFails = new Set<string>();
  private readonly queues = new Map<string, Stored[]>();
  private server?: Server;

  /** Adds a queue (by name) with messages waiting in it. */
  queue(name: string, messages: readonly StandinMessage[]): void {
    this.queues.set(
      name,
      messages.map((m) => ({ ...m, invisibleUntil: 0 })),
    );
  }

  /** Messages still in a queue (visible or not). */
  waiting(name: string): StandinMessage[] {
    return (this.queues.get(name) ?? []).map(({ id, body, attributes }) => ({ id, body, attributes }));
  }

  /** Messages a consumer would receive right now. */
  visible(name: string): string[] {
    return (this.queues.get(name) ?? []).filter((m) => m.invisibleUntil <= Date.now()).map((m) => m.id);
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  queueUrl(name: string): string {
    return `${this.url}/111122223333/${name}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    // SDK clients keep their connections alive; close() alone would wait for them.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Environment for a client of this stand-in: fake credentials, no instance metadata. */
  env(): NodeJS.ProcessEnv {
    return {
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_SQS: this.url,
      AWS_ENDPOINT_URL_SNS: this.url,
      AWS_ENDPOINT_URL_LAMBDA: this.url,
    };
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const target = req.headers["x-amz-target"];
    if (typeof target === "string" && target.startsWith("AmazonSQS."))
      return this.sqs(target.slice("AmazonSQS.".length), JSON.parse(body), res);
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? "");
    if (invoke && req.method === "POST") {
      const functionName = decodeURIComponent(invoke[1]!);
      this.invoked.push({ functionName, payload: body });
      const fails = this.functionFails.has(functionName);
      res.writeHead(200, { "content-type": "application/json", ...(fails ? { "x-amz-function-error": "Unhandled" } : {}) });
      res.end(fails ? JSON.stringify({ errorType: "NotifyError", errorMessage: "1 of 1 Slack deliveries failed" }) : "null");
      return;
    }
    const form = new URLSearchParams(body);
    if (form.get("Action") === "Publish") {
      this.published.push({ topicArn: form.get("TopicArn")!, message: form.get("Message")! });
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    res.writeHead(400, { "content-type": "text/plain" });
    res.end(`stand-in: unexpected request ${req.method} ${req.url}`);
  }

  private sqs(action: string, input: Record<string, any>, res: ServerResponse): void {
    const reply = (status: number, out: unknown) => {
      res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify(out));
    };
    const queueName = (url: string) => url.split("/").pop()!;
    const missing = () => reply(400, { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." });
    if (action === "GetQueueUrl") {
      return this.queues.has(input.QueueName) ? reply(200, { QueueUrl: this.queueUrl(input.QueueName) }) : missing();
    }
    const queue = this.queues.get(queueName(String(input.QueueUrl)));
    if (!queue) return missing();
    const now = Date.now();
    if (action === "ReceiveMessage") {
      const ready = queue.filter((m) => m.invisibleUntil <= now).slice(0, input.MaxNumberOfMessages ?? 1);
      for (const m of ready) {
        m.receipt = randomUUID();
        m.invisibleUntil = now + (input.VisibilityTimeout ?? 30) * 1000;
      }
      return reply(200, {
        Messages: ready.map((m) => ({
          MessageId: m.id,
          ReceiptHandle: m.receipt,
          MD5OfBody: createHash("md5").update(m.body).digest("hex"),
          Body: m.body,
          MessageAttributes: Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }])),
        })),
      });
    }
    const m = queue.find((x) => x.receipt === input.ReceiptHandle);
    if (!m) return reply(400, { __type: "com.amazonaws.sqs#ReceiptHandleIsInvalid", message: "invalid receipt handle" });
    if (action === "DeleteMessage") {
      queue.splice(queue.indexOf(m), 1);
      return reply(200, {});
    }
    if (action === "ChangeMessageVisibility") {
      m.invisibleUntil = now + input.VisibilityTimeout * 1000;
      return reply(200, {});
    }
    return reply(400, { __type: "com.amazonaws.sqs#UnsupportedOperation", message: action });
  }
}
