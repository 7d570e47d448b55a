import * as z from "zod/mini";
import { lenient, str } from "./common";

/**
 * One record of an SNS → Lambda event, checked only as far as the notifier needs it (records are
 * checked one by one: parse.ts). Powertools' `SnsSchema` is stricter
 * (URL-typed `UnsubscribeUrl`, ISO `Timestamp`) and pulls in classic zod, which alone is ~93 KB
 * compressed in the bundle; this mirrors its shape with `zod/mini`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
export const SnsRecordSchema = z.looseObject({
  Sns: z.looseObject({
    Message: z.string(),
    Subject: lenient(z.nullable(z.string())),
    TopicArn: str,
    MessageId: str,
  }),
});

/** The SNS notification document as delivered to HTTP/email subscribers (and inside SQS bodies). */
export const SnsNotificationSchema = z.looseObject({
  Type: z.literal("Notification"),
  Message: z.unknown(),
  Subject: lenient(z.nullable(z.string())),
  TopicArn: str,
});

/**
 * EventBridge event, lenient: trimmed copies of events lack `version`, `id`, even `source`.
 * Powertools' `EventBridgeSchema` requires all of them.
 * https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export const EventBridgeSchema = z.looseObject({
  "detail-type": str,
  source: str,
  account: str,
  region: str,
  time: str,
  id: str,
  detail: z.unknown(),
});

export type EventBridgeLike = z.infer<typeof EventBridgeSchema>;
