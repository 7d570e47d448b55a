/**
 * A private S3 bucket for evidence (CloudTrail logs, exported findings): public access blocked,
 * ACLs disabled (BucketOwnerEnforced), SSE-KMS with a customer-managed key and an S3 Bucket Key,
 * versioned, TLS-only, with a lifecycle that moves objects to a colder class and keeps replaced or
 * deleted versions for at least a year.
 *
 * Child ids keep the `bucket-*` names the CloudTrail trail gave these resources before this
 * construct existed: the trail creates it with the id `Default`, which cdktf leaves out of
 * resource addresses, so its bucket resources kept their addresses.
 */
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

/** Noncurrent versions are kept at least this long: a deleted or overwritten object stays recoverable for a year. */
export const MIN_NONCURRENT_VERSION_DAYS = 365;

export interface HardenedBucketProps {
  /** The provider of the bucket's region; every bucket resource gets it. */
  readonly provider: AwsProvider;
  /** The bucket name (globally unique; see config/names.ts). */
  readonly bucketName: string;
  /** The customer-managed key objects are encrypted with; its policy must let the writers use it. */
  readonly key: KmsKey;
  /**
   * Days after which current objects expire.
   * @default undefined: current objects never expire (audit evidence)
   */
  readonly retentionDays?: number;
  /**
   * Days replaced or deleted object versions are kept, at least 365.
   * @default 365
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Days after which current objects move to Glacier Instant Retrieval (millisecond reads for
   * investigations). Lifecycle skips objects under 128 KB, which stay in Standard.
   * @default 90
   */
  readonly coldAfterDays?: number;
  /**
   * The lifecycle rule (transition, expiry, noncurrent versions) applies only under this key prefix.
   * @default undefined: the whole bucket
   */
  readonly lifecyclePrefix?: string;
  /** The lifecycle rule's id. @default "objects" */
  readonly lifecycleRuleId?: string;
  /**
   * Bucket policy statements after the TLS-only deny (who may write, and how), given the bucket's ARN.
   * @default none: only the bucket's account, through IAM, can use it
   */
  readonly statements?: (bucketArn: string) => DataAwsIamPolicyDocumentStatement[];
}

const INCOMPLETE_UPLOAD_DAYS = 7;

export class HardenedBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket policy: writers that check it on setup (CloudTrail) depend on it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: HardenedBucketProps) {
    super(scope, id);
    const { provider } = props;
    const noncurrentDays = props.noncurrentVersionDays ?? MIN_NONCURRENT_VERSION_DAYS;
    if (noncurrentDays < MIN_NONCURRENT_VERSION_DAYS)
      throw new Error(`internal: noncurrentVersionDays ${noncurrentDays} is below ${MIN_NONCURRENT_VERSION_DAYS}`);
    const coldAfterDays = props.coldAfterDays ?? 90;
    // Objects that expire before they would move are not moved.
    const transition = props.retentionDays === undefined || props.retentionDays > coldAfterDays;

    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: props.bucketName });
    const publicAccess = new S3BucketPublicAccessBlock(this, "bucket-public-access", {
      provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // ACLs off: the bucket owner owns every object and only policies grant access. Writers that
    // still send the bucket-owner-full-control ACL (CloudTrail does) are accepted.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
    new S3BucketOwnershipControls(this, "bucket-ownership", {
      provider,
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
      // S3 refuses concurrent configuration changes on one bucket (OperationAborted).
      dependsOn: [publicAccess],
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "bucket-encryption", {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.arn },
          // One data key per bucket instead of per object: far fewer KMS calls for many small files.
          bucketKeyEnabled: true,
        },
      ],
    });
    const versioning = new S3BucketVersioningA(this, "bucket-versioning", {
      provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketLifecycleConfiguration(this, "bucket-lifecycle", {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          // Lifecycle skips objects under 128 KB by default (transition_default_minimum_object_size),
          // so small files stay in Standard, where they cost less than 128 KB of Glacier IR would.
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
          id: props.lifecycleRuleId ?? "objects",
          status: "Enabled",
          // Provider 6 expects exactly one of filter or prefix; an empty filter is the whole bucket.
          // https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/s3_bucket_lifecycle_configuration
          filter: [props.lifecyclePrefix === undefined ? {} : { prefix: props.lifecyclePrefix }],
          transition: transition ? [{ days: coldAfterDays, storageClass: "GLACIER_IR" }] : undefined,
          expiration: props.retentionDays === undefined ? undefined : [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: INCOMPLETE_UPLOAD_DAYS }],
        },
      ],
      // As the provider docs advise for versioned buckets: versioning first, then noncurrent rules.
      dependsOn: [versioning],
    });

    const policy = new DataAwsIamPolicyDocument(this, "bucket-policy", {
      provider,
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        ...(props.statements?.(this.bucket.arn) ?? []),
      ],
    });
    this.policy = new S3BucketPolicy(this, "bucket-policy-attachment", {
      provider,
      bucket: this.bucket.id,
      policy: policy.json,
      // S3 rejects concurrent public-access-block and policy updates on one bucket (OperationAborted).
      dependsOn: [publicAccess],
    });
  }
}
