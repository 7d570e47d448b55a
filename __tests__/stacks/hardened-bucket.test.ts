/**
 * The hardened bucket on its own, as the findings export will use it: the hardening is there
 * whoever creates the bucket, and the options do what their docs say.
 */
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { HardenedBucket, type HardenedBucketProps } from "../../stacks/constructs/hardened-bucket";
import { checkAgainstSchema } from "../helpers/schema-check";
import { policyDocument, referenced, resources, type TfJson } from "../helpers/synth";

function synth(props: Partial<HardenedBucketProps> = {}): TfJson {
  const app = new App({ stackTraces: false });
  const stack = new TerraformStack(app, "bucket");
  const provider = new AwsProvider(stack, "aws", { alias: "eu_west_1", region: "eu-west-1" });
  const key = new KmsKey(stack, "key", { provider, enableKeyRotation: true });
  new HardenedBucket(stack, "findings", { provider, bucketName: "acme-findings-111111111111", key, ...props });
  return stack.toTerraform() as TfJson;
}

const only = (stack: TfJson, type: string) => {
  const found = resources(stack, type);
  expect(found).toHaveLength(1);
  return found[0]![1];
};

describe("a hardened bucket with the defaults", () => {
  const stack = synth();

  test("matches the hashicorp/aws provider schema and puts everything on its provider", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
    for (const byName of Object.values(stack.resource))
      for (const block of Object.values(byName)) expect(block.provider).toBe("aws.eu_west_1");
  });

  test("blocks public access, disables ACLs, encrypts with the key and versions objects", () => {
    expect(only(stack, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(stack, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    const [rule] = only(stack, "aws_s3_bucket_server_side_encryption_configuration").rule;
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(referenced(stack, rule.apply_server_side_encryption_by_default.kms_master_key_id)[0]).toBe(
      resources(stack, "aws_kms_key")[0]![0],
    );
    expect(only(stack, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
  });

  test("keeps current objects, and noncurrent versions for 365 days", () => {
    const [rule] = only(stack, "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rule.expiration).toBeUndefined();
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
    expect(rule.transition).toEqual([{ days: 90, storage_class: "GLACIER_IR" }]);
  });

  test("its policy only denies requests without TLS", () => {
    const doc = policyDocument(stack, only(stack, "aws_s3_bucket_policy").policy);
    expect(doc.statement.map((s: { sid: string }) => s.sid)).toEqual(["DenyInsecureTransport"]);
  });
});

describe("hardened bucket options", () => {
  test("retentionDays expires current objects; objects that expire before the cold move are not moved", () => {
    const [long] = only(synth({ retentionDays: 400 }), "aws_s3_bucket_lifecycle_configuration").rule;
    expect(long.expiration).toEqual([{ days: 400 }]);
    expect(long.transition).toEqual([{ days: 90, storage_class: "GLACIER_IR" }]);
    const [short] = only(synth({ retentionDays: 30 }), "aws_s3_bucket_lifecycle_configuration").rule;
    expect(short.expiration).toEqual([{ days: 30 }]);
    expect(short.transition).toBeUndefined();
  });

  test("extra statements follow the TLS deny and get the bucket's ARN", () => {
    const stack = synth({
      statements: (arn) => [
        {
          sid: "Writer",
          principals: [{ type: "Service", identifiers: ["x.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${arn}/*`],
        },
      ],
    });
    const doc = policyDocument(stack, only(stack, "aws_s3_bucket_policy").policy);
    expect(doc.statement.map((s: { sid: string }) => s.sid)).toEqual(["DenyInsecureTransport", "Writer"]);
    const bucket = resources(stack, "aws_s3_bucket")[0]![0];
    expect(doc.statement[1].resources).toEqual([`\${aws_s3_bucket.${bucket}.arn}/*`]);
  });

  test("noncurrent versions can be kept longer, never shorter than a year", () => {
    const [rule] = only(synth({ noncurrentVersionDays: 730 }), "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 730 }]);
    expect(() => synth({ noncurrentVersionDays: 90 })).toThrow(/below 365/);
  });
});
