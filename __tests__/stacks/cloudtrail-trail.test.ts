import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AccountContext } from "../../stacks/account-context";
import { CloudTrailTrail } from "../../stacks/constructs/cloudtrail-trail";
import { checkAgainstSchema } from "../helpers/schema-check";
import { policyDocument, referenced, resources, type TfJson } from "../helpers/synth";

const STACK = "trail";
const PROVIDER = "aws.eu_west_1";

/** The only resource of a type, failing loudly when there is none or several. */
function only(stack: TfJson, type: string): [string, Record<string, any>] {
  const found = resources(stack, type);
  expect(found.map(([name]) => `${type}.${name}`)).toHaveLength(1);
  return found[0];
}

function statement(doc: Record<string, any>, sid: string): Record<string, any> {
  const s = doc.statement.find((x: any) => x.sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${JSON.stringify(doc.statement.map((x: any) => x.sid))}`);
  return s;
}

const condition = (s: Record<string, any>, variable: string) => s.condition?.find((c: any) => c.variable === variable);

describe("the CloudTrail trail construct", () => {
  let outdir: string;
  let raw: string;
  let stack: TfJson;
  let accountId: string;
  let partition: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "threat-alerts-cloudtrail-"));
    const app = new App({ outdir });
    const scope = new TerraformStack(app, STACK);
    const provider = new AwsProvider(scope, "aws-eu-west-1", { alias: "eu_west_1", region: "eu-west-1" });
    const account = new AccountContext(scope, "account", { provider });
    new CloudTrailTrail(scope, "cloudtrail", { provider, region: "eu-west-1", account, project: "acme" });
    app.synth();
    raw = readFileSync(join(outdir, "stacks", STACK, "cdk.tf.json"), "utf8");
    stack = JSON.parse(raw);
    accountId = `\${data.aws_caller_identity.${Object.keys(stack.data!.aws_caller_identity)[0]}.account_id}`;
    partition = `\${data.aws_partition.${Object.keys(stack.data!.aws_partition)[0]}.partition}`;
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const trailArn = () => `arn:${partition}:cloudtrail:eu-west-1:${accountId}:trail/acme-trail`;
  const logGroupArn = () => `arn:${partition}:logs:eu-west-1:${accountId}:log-group:/acme/cloudtrail`;

  test("puts every resource and data source on the home region's provider", () => {
    const blocks = [...Object.values(stack.resource), ...Object.values(stack.data ?? {})].flatMap((byName) => Object.entries(byName));
    expect(blocks.length).toBeGreaterThan(10);
    for (const [name, block] of blocks) expect({ name, provider: block.provider }).toEqual({ name, provider: PROVIDER });
  });

  test("matches the hashicorp/aws provider schema", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
  });

  test("never hard-codes the aws partition", () => {
    expect(raw).not.toContain("arn:aws:");
  });

  describe("the KMS key", () => {
    let key: Record<string, any>;
    let doc: Record<string, any>;
    beforeAll(() => {
      key = only(stack, "aws_kms_key")[1];
      doc = policyDocument(stack, key.policy);
    });

    test("rotates and has the project's CloudTrail alias", () => {
      expect(key.enable_key_rotation).toBe(true);
      const [, alias] = only(stack, "aws_kms_alias");
      expect(alias.name).toBe("alias/acme-cloudtrail");
      expect(referenced(stack, alias.target_key_id)[1]).toBe(key);
    });

    test("is administered by the account root", () => {
      const admin = statement(doc, "AccountAdministersKey");
      expect(admin.principals).toEqual([{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }]);
      expect(admin.actions).toEqual(["kms:*"]);
    });

    test("lets CloudTrail generate data keys only for this trail's log files", () => {
      const encrypt = statement(doc, "CloudTrailEncryptsLogs");
      expect(encrypt.principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
      expect(encrypt.actions).toEqual(["kms:GenerateDataKey*"]);
      expect(condition(encrypt, "aws:SourceArn")).toEqual({ test: "StringEquals", variable: "aws:SourceArn", values: [trailArn()] });
      expect(condition(encrypt, "kms:EncryptionContext:aws:cloudtrail:arn")).toEqual({
        test: "StringLike",
        variable: "kms:EncryptionContext:aws:cloudtrail:arn",
        values: [`arn:${partition}:cloudtrail:*:${accountId}:trail/*`],
      });
      const describeKey = statement(doc, "CloudTrailDescribesKey");
      // kms:Decrypt: CloudTrail needs it to create a trail that writes to a bucket with an S3 Bucket Key.
      expect(describeKey.actions).toEqual(["kms:DescribeKey", "kms:Decrypt"]);
      expect(condition(describeKey, "aws:SourceArn").values).toEqual([trailArn()]);
    });

    test("lets CloudWatch Logs use it only for the trail's log group", () => {
      const logs = statement(doc, "CloudWatchLogsEncryptsTrailLogGroup");
      expect(logs.principals).toEqual([{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }]);
      expect(logs.actions).toEqual(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]);
      expect(logs.condition).toEqual([{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn()] }]);
    });

    test("grants no service principal anything without a condition", () => {
      for (const s of doc.statement.filter((x: any) => x.principals[0].type === "Service")) {
        expect({ sid: s.sid, conditions: (s.condition ?? []).length > 0 }).toEqual({ sid: s.sid, conditions: true });
      }
    });
  });

  describe("the S3 bucket", () => {
    let bucketName: string;
    let bucket: Record<string, any>;
    beforeAll(() => ([bucketName, bucket] = only(stack, "aws_s3_bucket")));
    const ofBucket = (type: string) => {
      const [, r] = only(stack, type);
      expect(referenced(stack, r.bucket)[0]).toBe(bucketName);
      return r;
    };

    test("is named for the project and the account", () => {
      expect(bucket.bucket).toBe(`acme-cloudtrail-${accountId}`);
    });

    test("blocks every kind of public access", () => {
      expect(ofBucket("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    });

    test("encrypts by default with the CloudTrail key and an S3 Bucket Key", () => {
      const [rule] = ofBucket("aws_s3_bucket_server_side_encryption_configuration").rule;
      expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
      expect(referenced(stack, rule.apply_server_side_encryption_by_default.kms_master_key_id)[1]).toBe(only(stack, "aws_kms_key")[1]);
      expect(rule.bucket_key_enabled).toBe(true);
    });

    test("disables ACLs: the bucket owner owns every log file (BucketOwnerEnforced)", () => {
      expect(ofBucket("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    });

    test("is versioned", () => {
      expect(ofBucket("aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    });

    test("never expires current log files but moves them to a colder class and cleans up the rest", () => {
      const rules: Array<Record<string, any>> = ofBucket("aws_s3_bucket_lifecycle_configuration").rule;
      for (const rule of rules) {
        expect(rule.expiration).toBeUndefined();
        // Provider 6 wants a filter (or prefix) on every rule.
        expect(rule.filter ?? rule.prefix).toBeDefined();
      }
      const enabled = rules.filter((r) => r.status === "Enabled");
      expect(enabled.flatMap((r) => r.transition ?? [])).toEqual([{ days: 90, storage_class: "GLACIER_IR" }]);
      // A deleted or overwritten log file stays recoverable for a year.
      expect(enabled.flatMap((r) => r.noncurrent_version_expiration ?? [])).toEqual([{ noncurrent_days: 365 }]);
      expect(enabled.flatMap((r) => r.abort_incomplete_multipart_upload ?? [])).toEqual([{ days_after_initiation: 7 }]);
    });

    describe("its policy", () => {
      let doc: Record<string, any>;
      beforeAll(() => (doc = policyDocument(stack, ofBucket("aws_s3_bucket_policy").policy)));

      test("denies every request without TLS", () => {
        const deny = statement(doc, "DenyInsecureTransport");
        expect(deny).toMatchObject({ effect: "Deny", actions: ["s3:*"], principals: [{ type: "*", identifiers: ["*"] }] });
        expect(deny.resources).toEqual([`\${aws_s3_bucket.${bucketName}.arn}`, `\${aws_s3_bucket.${bucketName}.arn}/*`]);
        expect(deny.condition).toEqual([{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }]);
      });

      test("lets only this trail check the ACL and write under AWSLogs/<account>/", () => {
        const acl = statement(doc, "AWSCloudTrailAclCheck");
        expect(acl.actions).toEqual(["s3:GetBucketAcl"]);
        expect(acl.resources).toEqual([`\${aws_s3_bucket.${bucketName}.arn}`]);
        const write = statement(doc, "AWSCloudTrailWrite");
        expect(write.actions).toEqual(["s3:PutObject"]);
        expect(write.resources).toEqual([`\${aws_s3_bucket.${bucketName}.arn}/AWSLogs/${accountId}/*`]);
        expect(condition(write, "s3:x-amz-acl")).toEqual({
          test: "StringEquals",
          variable: "s3:x-amz-acl",
          values: ["bucket-owner-full-control"],
        });
        for (const s of [acl, write]) {
          expect(s.principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
          expect(condition(s, "aws:SourceArn")).toEqual({ test: "StringEquals", variable: "aws:SourceArn", values: [trailArn()] });
        }
        const allows = doc.statement.filter((s: any) => (s.effect ?? "Allow") === "Allow");
        expect(allows.map((s: any) => s.sid).sort()).toEqual(["AWSCloudTrailAclCheck", "AWSCloudTrailWrite"]);
      });
    });
  });

  test("keeps a year of events in a log group encrypted with the key", () => {
    const [, group] = only(stack, "aws_cloudwatch_log_group");
    expect(group.name).toBe("/acme/cloudtrail");
    expect(group.retention_in_days).toBeGreaterThanOrEqual(365);
    expect(referenced(stack, group.kms_key_id)[1]).toBe(only(stack, "aws_kms_key")[1]);
  });

  test("gives CloudTrail a role that can only write to the log group's streams", () => {
    const [roleName, role] = only(stack, "aws_iam_role");
    expect(role.name).toBe("acme-cloudtrail-logs");
    const trust = policyDocument(stack, role.assume_role_policy);
    expect(trust.statement).toHaveLength(1);
    expect(trust.statement[0]).toMatchObject({
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
    });
    const [, attached] = only(stack, "aws_iam_role_policy");
    expect(referenced(stack, attached.role)[0]).toBe(roleName);
    const [logGroupName] = only(stack, "aws_cloudwatch_log_group");
    expect(policyDocument(stack, attached.policy).statement).toEqual([
      {
        sid: "DeliverToTrailLogGroup",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`\${aws_cloudwatch_log_group.${logGroupName}.arn}:log-stream:*`],
      },
    ]);
  });

  test("records every region with validated, KMS-encrypted log files and feeds the log group", () => {
    const [, trail] = only(stack, "aws_cloudtrail");
    expect(trail).toMatchObject({
      name: "acme-trail",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
    });
    expect(referenced(stack, trail.s3_bucket_name)[1]).toBe(only(stack, "aws_s3_bucket")[1]);
    expect(referenced(stack, trail.kms_key_id)[1]).toBe(only(stack, "aws_kms_key")[1]);
    expect(trail.kms_key_id).toMatch(/\.arn\}$/);
    const [logGroupName] = only(stack, "aws_cloudwatch_log_group");
    expect(trail.cloud_watch_logs_group_arn).toBe(`\${aws_cloudwatch_log_group.${logGroupName}.arn}:*`);
    expect(referenced(stack, trail.cloud_watch_logs_role_arn)[1]).toBe(only(stack, "aws_iam_role")[1]);
  });

  test("is created only after its bucket policy and role permissions exist", () => {
    const [, trail] = only(stack, "aws_cloudtrail");
    const [policyName] = only(stack, "aws_s3_bucket_policy");
    const [rolePolicyName] = only(stack, "aws_iam_role_policy");
    expect(trail.depends_on).toEqual(
      expect.arrayContaining([`aws_s3_bucket_policy.${policyName}`, `aws_iam_role_policy.${rolePolicyName}`]),
    );
  });
});
