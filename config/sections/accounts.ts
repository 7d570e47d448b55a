/** `accounts`: one stack per listed account (none listed: the credentials' own account). */
import { z } from "zod";
import { accountId, NAME_PATTERN, ROLE_ARN } from "./common";

export const account = z.strictObject({
  /** Part of the stack name (`<project>-<name>`). One account may leave it out: its stack is `<project>`. */
  name: z
    .string()
    .regex(NAME_PATTERN, { error: "use lowercase letters, digits and dashes, starting with a letter (it is part of the stack name)" })
    .optional(),
  id: accountId,
  assumeRoleArn: z
    .string()
    .regex(ROLE_ARN, { error: "use an IAM role ARN like arn:aws:iam::111111111111:role/ThreatAlertsDeploy" })
    .optional(),
});

export type AccountConfig = z.output<typeof account>;
