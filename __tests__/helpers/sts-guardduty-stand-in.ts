/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for the STS and GuardDuty endpoints
 * (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_GUARDDUTY`). It answers from a small world of
 * accounts and regions, and records every request with the SigV4 scope it was signed for.
 *
 * Wire formats: STS is the AWS query protocol (form-encoded POST, XML answers), GuardDuty REST
 * JSON (GET /detector, /detector/{id}, /detector/{id}/administrator; errors carry the code in
 * `x-amzn-ErrorType`).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListDetectors.html
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  /** From the SigV4 credential scope: `<key id>/<date>/<region>/<service>/aws4_request`. */
  readonly service: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly sessionToken: string | undefined;
  readonly method: string;
  readonly path: string;
  /** STS: the form parameters (Action, RoleArn, ...). */
  readonly params: Record<string, string>;
}

export interface StandInDetector {
  readonly id: string;
  readonly status?: "ENABLED" | "DISABLED";
  readonly administrator?: string;
}

/** What one account has in one region: a detector, nothing, or a region that is not enabled. */
export type RegionState = StandInDetector | "none" | "not-enabled" | "denied";

export interface World {
  /** Access key id of the base credentials -> their account. */
  readonly baseKeys: Record<string, string>;
  /** Role ARN -> its account; AssumeRole on any other ARN is denied. */
  readonly roles: Record<string, string>;
  /** `<account>/<region>` -> state; unlisted means no detector. */
  readonly regions: Record<string, RegionState>;
}

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export class AwsStandIn {
  readonly requests: SeenRequest[] = [];
  private server: Server | undefined;
  private port = 0;
  /** Session key id of each assumed role -> its account. */
  private readonly sessions = new Map<string, string>();

  constructor(private readonly world: World) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    // SDK clients keep their connections alive; close() alone would wait for them.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ""));
    const params = req.headers["content-type"]?.includes("x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(body)) : {};
    const seen: SeenRequest = {
      accessKeyId: scope?.[1] ?? "",
      region: scope?.[2] ?? "",
      service: scope?.[3] ?? "",
      sessionToken: req.headers["x-amz-security-token"] as string | undefined,
      method: req.method ?? "",
      path: req.url ?? "",
      params,
    };
    this.requests.push(seen);
    const account = this.world.baseKeys[seen.accessKeyId] ?? this.sessions.get(seen.accessKeyId);
    if (seen.service === "sts") this.sts(seen, account, res);
    else if (seen.service === "guardduty") this.guardDuty(seen, account, res);
    else json(res, 400, { message: `unsigned or unknown service: ${req.headers.authorization ?? "no Authorization header"}` });
  }

  private sts(seen: SeenRequest, account: string | undefined, res: ServerResponse): void {
    const action = seen.params.Action;
    if (!account) return stsError(res, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    if (action === "GetCallerIdentity")
      return xml(
        res,
        `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    if (action === "AssumeRole") {
      const target = this.world.roles[seen.params.RoleArn];
      if (!target)
        return stsError(
          res,
          403,
          "AccessDenied",
          `User: arn:aws:iam::${account}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${seen.params.RoleArn}`,
        );
      const keyId = `ASIA${target}`;
      this.sessions.set(keyId, target);
      return xml(
        res,
        `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>${keyId}</AccessKeyId><SecretAccessKey>secret-${target}</SecretAccessKey><SessionToken>session-${target}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${target}:assumed-role/deploy/${seen.params.RoleSessionName}</Arn><AssumedRoleId>AROAEXAMPLE:${seen.params.RoleSessionName}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    }
    stsError(res, 400, "InvalidAction", `unknown action ${action}`);
  }

  private guardDuty(seen: SeenRequest, account: string | undefined, res: ServerResponse): void {
    const state = account ? (this.world.regions[`${account}/${seen.region}`] ?? "none") : "not-enabled";
    if (state === "not-enabled")
      return gdError(res, 400, "UnrecognizedClientException", "The security token included in the request is invalid.");
    if (state === "denied") return gdError(res, 403, "AccessDeniedException", `User is not authorized to perform: guardduty:ListDetectors`);
    const detectors = state === "none" ? [] : [state];
    const path = seen.path.split("?")[0];
    if (seen.method === "GET" && path === "/detector") return json(res, 200, { detectorIds: detectors.map((d) => d.id) });
    const m = /^\/detector\/([^/]+)(\/administrator)?$/.exec(path);
    const d = m && detectors.find((x) => x.id === m[1]);
    if (!m || !d) return gdError(res, 400, "BadRequestException", `no such detector: ${path}`);
    if (m[2])
      return json(res, 200, d.administrator ? { administrator: { accountId: d.administrator, relationshipStatus: "Enabled" } } : {});
    json(res, 200, {
      status: d.status ?? "ENABLED",
      serviceRole: `arn:aws:iam::${account}:role/aws-service-role/guardduty.amazonaws.com/x`,
      createdAt: "2025-01-01T00:00:00Z",
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function gdError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": code });
  res.end(JSON.stringify({ message }));
}

function xml(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(body);
}

function stsError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(
    `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>3</RequestId></ErrorResponse>`,
  );
}
