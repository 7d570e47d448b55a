/**
 * `backend`: where each stack keeps its state. The YAML keeps the settings of a type under its
 * name (`backend: { type: s3, s3: { ... } }`); the parsed section is a union on `type`, so code
 * downstream reads `s3` or `cloud` only where it exists.
 */
import { z } from "zod";
import { isString, region, type AddIssue } from "./common";

const s3 = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "use an S3 bucket name (3-63 lowercase letters, digits, dots, dashes)" }),
  region,
  keyPrefix: z
    .string()
    .regex(/^[\w.\-\/]*$/)
    .default("threat-alerts"),
  dynamodbTable: z.string().min(3).max(255).optional(),
});

const cloud = z.strictObject({
  organization: z.string().min(1),
  workspacePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, { error: "use letters, digits, - and _ (Terraform Cloud workspace names)" })
    .default("threat-alerts-"),
  hostname: z.string().min(1).optional(),
});

export const backend = z
  .strictObject({
    type: z.enum(["local", "s3", "cloud"], { error: "use local, s3 or cloud" }).default("local"),
    s3: s3.optional(),
    cloud: cloud.optional(),
  })
  // Runs even when a field above failed, so one run reports every problem.
  .superRefine(
    (b, ctx) => {
      if (!b || typeof b !== "object") return;
      const issue: AddIssue = (path, message) => ctx.addIssue({ code: "custom", path, message });
      if (b.type === "s3" && !b.s3) issue(["s3"], "required when backend.type is s3: add s3: { bucket: my-tfstate, region: us-east-1 }");
      if (b.type === "cloud" && !b.cloud) issue(["cloud"], "required when backend.type is cloud: add cloud: { organization: my-org }");
      if (isString(b.type) && b.type !== "s3" && b.s3)
        issue(["s3"], `backend.type is ${b.type}, so these settings would be ignored; set type: s3 or remove s3`);
      if (isString(b.type) && b.type !== "cloud" && b.cloud)
        issue(["cloud"], `backend.type is ${b.type}, so these settings would be ignored; set type: cloud or remove cloud`);
    },
    { when: () => true },
  )
  // The checks above leave each type with exactly its own settings; z.NEVER is unreachable.
  .transform((b) => {
    switch (b.type) {
      case "local":
        return { type: "local" as const };
      case "s3":
        return b.s3 ? { type: "s3" as const, s3: b.s3 } : z.NEVER;
      case "cloud":
        return b.cloud ? { type: "cloud" as const, cloud: b.cloud } : z.NEVER;
    }
  });

/** The parsed section: `{ type: "local" }`, `{ type: "s3", s3 }` or `{ type: "cloud", cloud }`. */
export type BackendConfig = z.output<typeof backend>;
