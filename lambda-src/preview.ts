/**
 * Prints the exact Slack payload the notifier would post for an event file, and optionally posts it.
 *
 *   npm run preview -- path/to/event.json [--post https://hooks.slack.com/services/… | --post -]
 *
 * Accepts an SNS→Lambda event, an EventBridge event, a bare GuardDuty finding or ASFF finding,
 * an alarm's SNS JSON, or anything else (shown as the generic message). One message prints as an
 * object; an SNS event with several records prints an array. ACCOUNT_NAMES is honoured if set.
 */
import { readFileSync } from "node:fs";
import { formatIncoming } from "./format";
import { splitRecords } from "./parse";
import { postToSlack } from "./send";

class UsageError extends Error {}

interface Args {
  readonly file: string;
  readonly postUrl?: string;
}

function parseArgs(argv: readonly string[]): Args {
  let file: string | undefined;
  let postUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--post") {
      postUrl = argv[++i];
      // `--post -` reads the URL from standard input, keeping it out of shell history and `ps`.
      if (postUrl !== "-" && !postUrl?.startsWith("https://") && !postUrl?.startsWith("http://"))
        throw new UsageError("--post needs an http(s) URL, or - to read it from standard input");
    } else if (arg.startsWith("--")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}`);
    }
  }
  if (file === undefined) throw new UsageError("usage: preview <event.json> [--post URL|-]");
  return { file, postUrl };
}

function accountNames(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(process.env.ACCOUNT_NAMES ?? "{}");
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function readEvent(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(`cannot read ${file} (${code})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function readUrlFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const url = Buffer.concat(chunks).toString("utf8").trim();
  if (!url.startsWith("https://") && !url.startsWith("http://")) throw new UsageError("--post -: standard input holds no http(s) URL");
  return url;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const event = readEvent(args.file);
  const messages = splitRecords(event).map((item) => formatIncoming(item, { accountNames: accountNames() }).message);
  process.stdout.write(`${JSON.stringify(messages.length === 1 ? messages[0] : messages, null, 2)}\n`);
  if (args.postUrl) {
    const url = args.postUrl === "-" ? await readUrlFromStdin() : args.postUrl;
    for (const m of messages) {
      const sent = await postToSlack(url, m);
      process.stderr.write(`posted: HTTP ${sent.status} after ${sent.attempts} attempt(s)\n`);
    }
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`preview: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}\n`);
  process.exitCode = 1;
});
