import * as z from "zod/mini";
import { lenient, num, str } from "./common";

/**
 * The parts of an ASFF finding the message shows.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html
 */
export const AsffFindingSchema = z.looseObject({
  Title: z.string(),
  Id: str,
  Description: str,
  ProductArn: str,
  ProductName: str,
  CompanyName: str,
  AwsAccountId: str,
  Region: str,
  GeneratorId: str,
  RecordState: str,
  WorkflowState: str,
  Severity: lenient(z.looseObject({ Label: str, Normalized: num, Original: str })),
  Workflow: lenient(z.looseObject({ Status: str })),
  Compliance: lenient(z.looseObject({ Status: str })),
  Resources: lenient(z.array(z.looseObject({ Type: str, Id: str, Region: str }))),
  ProductFields: lenient(z.record(z.string(), z.unknown())),
});
export type AsffFinding = z.infer<typeof AsffFindingSchema>;

/** `detail` of "Security Hub Findings - Imported" (and "- Custom Action"). */
export const SecurityHubDetailSchema = z.looseObject({
  findings: z.array(z.unknown()).check(z.minLength(1)),
});
