import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SsmRequest {
  readonly target: string;
  readonly name: string;
  readonly withDecryption: boolean;
  readonly at: number;
}

/**
 * A local stand-in for the SSM endpoint (`AWS_ENDPOINT_URL_SSM`), speaking the AWS JSON 1.1
 * protocol the SDK uses for SSM: `POST /` with `X-Amz-Target: AmazonSSM.GetParameter`, errors as
 * `{"__type": "ParameterNotFound"}` with HTTP 400.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 */
export class FakeSsm {
  readonly requests: SsmRequest[] = [];
  /** Parameter values; a function is called per read (e.g. to rotate after the first read). */
  readonly parameters = new Map<string, string | ((readCount: number) => string)>();
  /** When true, requests are accepted and never answered. */
  hang = false;
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();
  private port = 0;

  url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"] ?? "");
        let body: { Name?: string; WithDecryption?: boolean } = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
        } catch {
          // answered below as a bad request
        }
        const name = body.Name ?? "";
        this.requests.push({ target, name, withDecryption: body.WithDecryption === true, at: Date.now() });
        if (this.hang) {
          this.open.add(res);
          return;
        }
        const reply = (status: number, json: unknown) => {
          res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
          res.end(JSON.stringify(json));
        };
        if (target !== "AmazonSSM.GetParameter") return reply(400, { __type: "InvalidAction", message: `unsupported ${target}` });
        const value = this.parameters.get(name);
        if (value === undefined) return reply(400, { __type: "ParameterNotFound", message: "" });
        const reads = this.requests.filter((r) => r.name === name).length;
        reply(200, {
          Parameter: {
            Name: name,
            Type: "SecureString",
            Value: typeof value === "function" ? value(reads) : value,
            Version: reads,
            DataType: "text",
            LastModifiedDate: 1_700_000_000,
            ARN: `arn:aws:ssm:eu-west-1:111111111111:parameter${name}`,
          },
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reads(name: string): number {
    return this.requests.filter((r) => r.name === name).length;
  }
}

/** Environment for an SDK client that talks only to the stand-in: fake credentials, no instance metadata. */
export function localAwsEnv(ssmUrl: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SSM: ssmUrl,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
