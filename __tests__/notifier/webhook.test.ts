import { errorReason } from "../../lambda-src/errors";
import { ssmWebhookResolver, WebhookParameterError } from "../../lambda-src/webhook";
import { FakeSsm, localAwsEnv } from "./ssm-server";

const NAME = "/threat-alerts/slack-webhook";

describe("ssmWebhookResolver against a local SSM endpoint", () => {
  let ssm: FakeSsm;
  const saved: Record<string, string | undefined> = {};

  beforeEach(async () => {
    ssm = await new FakeSsm().start();
    for (const [k, v] of Object.entries({ ...localAwsEnv(ssm.url()), AWS_PROFILE: "", AWS_CONFIG_FILE: "/nonexistent" })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await ssm.stop();
  });

  it("reads the SecureString with decryption and caches it", async () => {
    ssm.parameters.set(NAME, "https://hooks.slack.example/services/T/B/one");
    const resolve = ssmWebhookResolver();
    await expect(resolve(NAME)).resolves.toBe("https://hooks.slack.example/services/T/B/one");
    await expect(resolve(NAME)).resolves.toBe("https://hooks.slack.example/services/T/B/one");
    expect(ssm.requests).toEqual([expect.objectContaining({ target: "AmazonSSM.GetParameter", name: NAME, withDecryption: true })]);
  });

  it("forceFetch reads past the cache (a rotated webhook)", async () => {
    ssm.parameters.set(NAME, (reads) => `https://hooks.slack.example/services/T/B/v${reads}`);
    const resolve = ssmWebhookResolver();
    await expect(resolve(NAME)).resolves.toBe("https://hooks.slack.example/services/T/B/v1");
    await expect(resolve(NAME, { forceFetch: true })).resolves.toBe("https://hooks.slack.example/services/T/B/v2");
    await expect(resolve(NAME)).resolves.toBe("https://hooks.slack.example/services/T/B/v2");
    expect(ssm.reads(NAME)).toBe(2);
  });

  it("names the parameter and the SDK's error for a missing parameter", async () => {
    const error = await ssmWebhookResolver()("/threat-alerts/missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookParameterError);
    expect((error as Error).message).toMatch(/^SSM parameter \/threat-alerts\/missing could not be read \(.*ParameterNotFound/);
  });

  it("refuses a value that is not an https URL, without echoing it", async () => {
    ssm.parameters.set(NAME, "http://not-secret-but-not-https.example/x");
    const error = await ssmWebhookResolver()(NAME).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`SSM parameter ${NAME} does not hold an https webhook URL`);
  });

  it("fails in seconds with a TimeoutError when SSM never answers", async () => {
    ssm.hang = true;
    const start = Date.now();
    const error = await ssmWebhookResolver(300, { requestTimeoutMs: 300, connectionTimeoutMs: 300, maxAttempts: 2 })(NAME).catch(
      (e: unknown) => e,
    );
    const elapsed = Date.now() - start;
    expect(error).toBeInstanceOf(WebhookParameterError);
    expect((error as Error).message).toMatch(/TimeoutError/);
    expect(ssm.reads(NAME)).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(5000);
  });
});

describe("errorReason", () => {
  it("gives `name: message` of the error and its causes", () => {
    const inner = Object.assign(new Error("Parameter /x not found."), { name: "ParameterNotFound" });
    const outer = new Error("Failed to get parameter", { cause: inner });
    outer.name = "GetParameterError";
    expect(errorReason(outer)).toBe("GetParameterError: Failed to get parameter / cause: ParameterNotFound: Parameter /x not found.");
  });

  it("copes with non-errors", () => {
    expect(errorReason("boom")).toBe("boom");
    expect(errorReason(undefined)).toBe("unknown error");
    expect(errorReason({ name: "TimeoutError" })).toBe("TimeoutError");
  });
});
