/**
 * The replay command's work (scripts/replay.ts is its entry):
 * `npm run replay -- --queue <url|name> --region <region> [--function <name|arn>] [--dry-run] [--max <n>]`
 *
 * Sends what waits in a dead-letter or failure queue to where it was going, once the cause is
 * fixed, and deletes each message only after its delivery succeeded (scripts/replay-messages.ts
 * says what happens to each kind). Failed messages become visible again at once, for the next run.
 * Uses the usual AWS credentials and AWS_ENDPOINT_URL_<SERVICE> overrides; run it with the
 * account's credentials, in the queue's region (the alarm description has the exact command).
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { planReplay, type ReplayAction } from "./replay-messages";

const USAGE =
  "usage: npm run replay -- --queue <queue url or name> --region <region> [--function <name or arn>] [--dry-run] [--max <messages, default 1000>]";

/** Long enough to deliver a batch of ten; failed messages are made visible again right away. */
const VISIBILITY_TIMEOUT_SECONDS = 300;

export interface ReplayArgs {
  readonly queue: string;
  readonly region: string;
  readonly functionName?: string;
  readonly dryRun: boolean;
  readonly max: number;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): ReplayArgs {
  const values: Record<string, string> = {};
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--dry-run") dryRun = true;
    else if (["--queue", "--region", "--function", "--max"].includes(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      values[arg.slice(2)] = value;
    } else throw new UsageError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  if (!values.queue) throw new UsageError(`--queue is required\n${USAGE}`);
  if (!values.region) throw new UsageError(`--region is required (the queue's region)\n${USAGE}`);
  const max = values.max === undefined ? 1000 : Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max must be a whole number of messages, got ${values.max}`);
  return { queue: values.queue, region: values.region, functionName: values.function, dryRun, max };
}

export interface ReplayResult {
  readonly replayed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** The region of an ARN (`arn:partition:service:region:...`). */
const regionOf = (arn: string, fallback: string) => arn.split(":")[3] || fallback;

export async function replay(args: ReplayArgs, log: (line: string) => void): Promise<ReplayResult> {
  const sqs = new SQSClient({ region: args.region });
  const queueUrl = /^https?:\/\//.test(args.queue)
    ? args.queue
    : (await sqs.send(new GetQueueUrlCommand({ QueueName: args.queue }))).QueueUrl!;
  const snsClients = new Map<string, SNSClient>();
  const lambdaClients = new Map<string, LambdaClient>();
  const sns = (region: string) => snsClients.get(region) ?? snsClients.set(region, new SNSClient({ region })).get(region)!;
  const lambda = (region: string) => lambdaClients.get(region) ?? lambdaClients.set(region, new LambdaClient({ region })).get(region)!;

  const deliver = async (action: Exclude<ReplayAction, { kind: "skip" }>): Promise<void> => {
    if (action.kind === "publish") {
      await sns(regionOf(action.topicArn, args.region)).send(new PublishCommand({ TopicArn: action.topicArn, Message: action.message }));
      return;
    }
    const out = await lambda(regionOf(action.functionName, args.region)).send(
      new InvokeCommand({ FunctionName: action.functionName, InvocationType: "RequestResponse", Payload: Buffer.from(action.payload) }),
    );
    if (out.FunctionError) {
      const detail = out.Payload ? Buffer.from(out.Payload).toString("utf8").slice(0, 300) : "";
      throw new Error(`the function failed (${out.FunctionError}) ${detail}`.trim());
    }
  };

  const result = { replayed: 0, failed: 0, skipped: 0 };
  // Messages left in the queue this run (failed, skipped, dry run): made visible again at the end.
  const keep: Message[] = [];
  const seen = new Set<string>();
  while (result.replayed + result.failed + result.skipped < args.max) {
    const batch = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, args.max - (result.replayed + result.failed + result.skipped)),
        VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = (batch.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (messages.length === 0) break;
    for (const m of messages) {
      seen.add(m.MessageId!);
      const attributes = Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).flatMap(([k, v]) => (v.StringValue === undefined ? [] : [[k, v.StringValue]])),
      );
      const action = planReplay({ messageId: m.MessageId!, body: m.Body ?? "", attributes }, { functionName: args.functionName });
      if (action.kind === "skip") {
        log(`skipped ${m.MessageId}: ${action.reason}`);
        result.skipped++;
        keep.push(m);
        continue;
      }
      const how = action.kind === "publish" ? `publish to ${action.topicArn}` : `invoke ${action.functionName}`;
      if (args.dryRun) {
        log(`would replay ${m.MessageId} (${action.what}): ${how}`);
        result.replayed++;
        keep.push(m);
        continue;
      }
      try {
        await deliver(action);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        log(`replayed ${m.MessageId} (${action.what}): ${how}`);
        result.replayed++;
      } catch (err) {
        log(`failed ${m.MessageId} (${action.what}): ${how}: ${describe(err)}`);
        result.failed++;
        keep.push(m);
      }
    }
  }
  for (const m of keep) {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
  return result;
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
