/**
 * A private S3 bucket: public access blocked, ACLs off (BucketOwnerEnforced), SSE-KMS with a
 * bucket key, versioning, a lifecycle, and a policy that denies anything without TLS plus the
 * grants the caller passes.
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

export interface SecureBucketProps {
  readonly provider: AwsProvider;
  readonly name: string;
  /** Default encryption of new objects (SSE-KMS with a bucket key). */
  readonly key: KmsKey;
  /** Current objects under `expirePrefix` are deleted this many days after creation. @default never */
  readonly expireAfterDays?: number;
  /** Only objects under this key prefix expire. @default the whole bucket */
  readonly expirePrefix?: string;
  /** Replaced and deleted versions are kept this long. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** Bucket policy statements after the TLS-only deny. @default none */
  readonly statements?: readonly DataAwsIamPolicyDocumentStatement[];
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket policy: services that check it at setup time depend on it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { provider } = props;
    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: props.name });
    const bucket = this.bucket.id;
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { provider, bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.arn }, bucketKeyEnabled: true }],
    });
    const versioning = new S3BucketVersioningA(this, "versioning", { provider, bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket,
      rule: [
        {
          id: "retention",
          status: "Enabled",
          // Provider 6 expects exactly one of filter or prefix; an empty filter is the whole bucket.
          filter: [props.expirePrefix ? { prefix: props.expirePrefix } : {}],
          expiration: props.expireAfterDays === undefined ? undefined : [{ days: props.expireAfterDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [versioning],
    });
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
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
        ...(props.statements ?? []),
      ],
    });
    this.policy = new S3BucketPolicy(this, "policy-attachment", {
      provider,
      bucket,
      policy: policy.json,
      // S3 rejects concurrent public-access-block and policy updates on one bucket (OperationAborted).
      dependsOn: [publicAccess],
    });
  }
}
