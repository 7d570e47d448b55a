/**
 * What to do with one message of a dead-letter or failure queue, decided from the message alone
 * (pure: no AWS calls). Three kinds land in threat-alerts' queues:
 *
 * - An EventBridge target DLQ (`<rule>-dlq`): the body is the original event, and the message
 *   attributes RULE_ARN and TARGET_ARN say which rule failed to reach which target
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). Replay publishes
 *   the event to that topic, exactly what EventBridge would have sent. Re-putting it on the event
 *   bus is no way: PutEvents refuses an AWS service's source such as aws.guardduty
 *   (NotAuthorizedForSourceException, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html),
 *   and would run every rule again, not just retry the failed target.
 * - The notifier's failure queue (Lambda on-failure destination): the body is an invocation record
 *   with `requestContext.functionArn` and the original `requestPayload`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). Replay
 *   invokes the function with that payload.
 * - An SNS subscription DLQ (`<project>-slack-notifier-dlq`): the body is the message SNS could not
 *   deliver, as the SNS notification document or as the raw message. Replay invokes the function
 *   (`--function`, which the queue's alarm prints) with the SNS event Lambda would have received.
 *   Publishing to the topic again would repeat the alert to every email and Chatbot subscriber.
 *
 * SQS's own redrive (StartMessageMoveTask) cannot help: it only moves messages back to a source
 * queue, and these messages came from EventBridge and SNS, not from a queue.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 */

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** String message attributes (EventBridge's RULE_ARN, TARGET_ARN, ERROR_CODE, ...). */
  readonly attributes: Readonly<Record<string, string>>;
}

export type ReplayAction =
  | { readonly kind: "publish"; readonly topicArn: string; readonly message: string; readonly what: string }
  | { readonly kind: "invoke"; readonly functionName: string; readonly payload: string; readonly what: string }
  | { readonly kind: "skip"; readonly reason: string };

export interface ReplayOptions {
  /** The function SNS could not deliver to (for SNS dead-letter queues). */
  readonly functionName?: string;
}

/** `arn:aws:lambda:r:a:function:name:$LATEST` -> `arn:aws:lambda:r:a:function:name` (invoke the current code). */
function unqualified(functionArn: string): string {
  const parts = functionArn.split(":");
  return parts.length > 7 ? parts.slice(0, 7).join(":") : functionArn;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function planReplay(message: QueueMessage, options: ReplayOptions = {}): ReplayAction {
  const body = parseJson(message.body);

  const targetArn = message.attributes.TARGET_ARN;
  if (message.attributes.RULE_ARN !== undefined || targetArn !== undefined) {
    const error = message.attributes.ERROR_CODE ? ` (it failed with ${message.attributes.ERROR_CODE})` : "";
    if (!targetArn) return { kind: "skip", reason: "an EventBridge dead letter without TARGET_ARN: nothing says where it was going" };
    if (/^arn:[^:]+:sns:/.test(targetArn))
      return { kind: "publish", topicArn: targetArn, message: message.body, what: `EventBridge event to ${targetArn}${error}` };
    if (/^arn:[^:]+:lambda:/.test(targetArn))
      return {
        kind: "invoke",
        functionName: unqualified(targetArn),
        payload: message.body,
        what: `EventBridge event to ${targetArn}${error}`,
      };
    return { kind: "skip", reason: `an EventBridge dead letter for ${targetArn}: only SNS topics and Lambda functions are replayed` };
  }

  if (isObject(body) && isObject(body.requestContext) && typeof body.requestContext.functionArn === "string" && "requestPayload" in body) {
    const functionArn = body.requestContext.functionArn;
    const condition = typeof body.requestContext.condition === "string" ? ` (${body.requestContext.condition})` : "";
    return {
      kind: "invoke",
      functionName: unqualified(functionArn),
      payload: JSON.stringify(body.requestPayload),
      what: `failed invocation of ${functionArn}${condition}`,
    };
  }

  // What is left is an SNS dead letter: the notification document, or the raw message.
  if (!options.functionName) {
    return {
      kind: "skip",
      reason:
        "looks like an SNS dead letter, which does not say which function it was for; pass --function <name> (the queue's alarm description has the full command)",
    };
  }
  const envelope = isObject(body) && body.Type === "Notification" && typeof body.Message === "string" ? body : undefined;
  const topicArn = typeof envelope?.TopicArn === "string" ? envelope.TopicArn : (message.attributes.TopicArn ?? "unknown");
  const event = {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:replay`,
        Sns: {
          Type: "Notification",
          MessageId: typeof envelope?.MessageId === "string" ? envelope.MessageId : message.messageId,
          TopicArn: topicArn,
          Subject: typeof envelope?.Subject === "string" ? envelope.Subject : null,
          Message: envelope ? (envelope.Message as string) : message.body,
          Timestamp: typeof envelope?.Timestamp === "string" ? envelope.Timestamp : new Date().toISOString(),
          MessageAttributes: isObject(envelope?.MessageAttributes) ? envelope.MessageAttributes : {},
        },
      },
    ],
  };
  return { kind: "invoke", functionName: options.functionName, payload: JSON.stringify(event), what: `SNS message from ${topicArn}` };
}
