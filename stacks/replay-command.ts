/**
 * The command that replays a dead-letter or failure queue (scripts/replay.ts), as alarm
 * descriptions print it: whoever gets the alarm can copy it once the cause is fixed.
 */
export function replayCommand(queueName: string, region: string, functionName?: string): string {
  return `npm run replay -- --queue ${queueName} --region ${region}${functionName ? ` --function ${functionName}` : ""}`;
}
