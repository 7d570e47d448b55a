import * as z from "zod/mini";
import { lenient, str } from "./common";

const Evaluation = z.looseObject({
  complianceType: str,
  annotation: lenient(z.nullable(z.string())),
  evaluationResultIdentifier: lenient(
    z.looseObject({
      evaluationResultQualifier: lenient(z.looseObject({ resourceType: str, resourceId: str })),
    }),
  ),
});

/**
 * `detail` of "Config Rules Compliance Change", and the `ComplianceChangeNotification` Config sends to SNS.
 * https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 */
export const ConfigComplianceChangeSchema = z.looseObject({
  configRuleName: z.string(),
  newEvaluationResult: Evaluation,
  oldEvaluationResult: lenient(z.nullable(Evaluation)),
  resourceType: str,
  resourceId: str,
  awsRegion: str,
  awsAccountId: str,
  configRuleARN: str,
  messageType: str,
});
export type ConfigComplianceChange = z.infer<typeof ConfigComplianceChangeSchema>;
