/**
 * Entry of `npm run replay -- --queue <url|name> --region <region> [--function <name|arn>] [--dry-run] [--max <n>]`:
 * replays a dead-letter or failure queue (scripts/replay-queue.ts). Exit 0 when every message was
 * replayed, 1 when some failed or were skipped (or AWS refused), 2 for bad arguments.
 */
import { describe, parseArgs, replay, type ReplayArgs } from "./replay-queue";

async function main(): Promise<void> {
  let args: ReplayArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`replay: ${(err as Error).message}\n`);
    process.exit(2);
  }
  try {
    const r = await replay(args, (line) => process.stdout.write(`${line}\n`));
    const verb = args.dryRun ? "would replay" : "replayed";
    process.stdout.write(`${verb} ${r.replayed}, failed ${r.failed}, skipped ${r.skipped}\n`);
    process.exit(r.failed > 0 || r.skipped > 0 ? 1 : 0);
  } catch (err) {
    // AWS errors (no credentials, no such queue, access denied) are the user's to fix: no stack trace.
    process.stderr.write(`replay: ${describe(err)}\n`);
    process.exit(1);
  }
}

void main();
