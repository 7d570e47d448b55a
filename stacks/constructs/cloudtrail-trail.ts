/**
 * The account's CloudTrail trail: multi-region, with global service events and log file
 * validation, delivering to a private, versioned S3 bucket and to a CloudWatch Logs group (for the
 * metric-filter alarms), both encrypted with one customer-managed KMS key.
 *
 * The key, bucket and role policies name the trail and the log group by ARNs built from their
 * names, not by resource references: the trail and the log group depend on the key (and the trail
 * on the bucket policy and the role), so a reference back would be a dependency cycle.
 */
import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { names } from "../../config/names";
import type { BaseProps } from "./base-props";
import { CustomerKey } from "./customer-key";
import { HardenedBucket } from "./hardened-bucket";
import { ServiceRole } from "./service-role";

export interface CloudTrailTrailProps extends BaseProps {
  /** The home region's provider: trail, bucket, key, log group and role live there. */
  readonly provider: AwsProvider;
  /** The home region (the provider's region). */
  readonly region: string;
}

const CLOUDTRAIL = "cloudtrail.amazonaws.com";
/** Log files stay in S3 Standard this long, then move to a colder class; they are never deleted. */
const DAYS_BEFORE_COLD = 90;
const LOG_RETENTION_DAYS = 365;

export class CloudTrailTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: CloudTrailTrailProps) {
    super(scope, id);
    const { provider, region, account, project } = props;
    const trailName = names.trail(project);
    const logGroupName = names.trailLogGroup(project);
    const trailArn = account.arn("cloudtrail", region, `trail/${trailName}`);
    const logGroupArn = account.arn("logs", region, `log-group:${logGroupName}`);
    const sourceIsThisTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };

    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.key = new CustomerKey(this, "key", {
      provider,
      account,
      description: `threat-alerts ${project}: encrypts the CloudTrail logs in S3 and CloudWatch Logs`,
      alias: names.trailKeyAlias(project),
      statements: [
        {
          sid: "CloudTrailEncryptsLogs",
          principals: [{ type: "Service", identifiers: [CLOUDTRAIL] }],
          actions: ["kms:GenerateDataKey*"],
          resources: ["*"],
          condition: [
            sourceIsThisTrail,
            {
              test: "StringLike",
              variable: "kms:EncryptionContext:aws:cloudtrail:arn",
              values: [account.arn("cloudtrail", "*", "trail/*")],
            },
          ],
        },
        {
          // Decrypt: the bucket uses an S3 Bucket Key, and CloudTrail needs kms:Decrypt to create
          // or update a trail writing to such a bucket with SSE-KMS.
          // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
          sid: "CloudTrailDescribesKey",
          principals: [{ type: "Service", identifiers: [CLOUDTRAIL] }],
          actions: ["kms:DescribeKey", "kms:Decrypt"],
          resources: ["*"],
          condition: [sourceIsThisTrail],
        },
        {
          // CloudWatch Logs uses the key only for this log group: the encryption context carries its ARN.
          sid: "CloudWatchLogsEncryptsTrailLogGroup",
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          condition: [{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn] }],
        },
      ],
    }).key;

    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    // Id `Default`: cdktf leaves it out of addresses, so the bucket resources kept the addresses
    // they had when this construct created them itself.
    const logs = new HardenedBucket(this, "Default", {
      provider,
      bucketName: names.trailBucket(project, account.accountId),
      key: this.key,
      // Current log files are audit evidence: they move to a colder class but never expire.
      lifecycleRuleId: "log-files",
      coldAfterDays: DAYS_BEFORE_COLD,
      statements: (bucketArn) => [
        {
          sid: "AWSCloudTrailAclCheck",
          principals: [{ type: "Service", identifiers: [CLOUDTRAIL] }],
          actions: ["s3:GetBucketAcl"],
          resources: [bucketArn],
          condition: [sourceIsThisTrail],
        },
        {
          sid: "AWSCloudTrailWrite",
          principals: [{ type: "Service", identifiers: [CLOUDTRAIL] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/AWSLogs/${account.accountId}/*`],
          condition: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }, sourceIsThisTrail],
        },
      ],
    });
    this.bucket = logs.bucket;
    const bucketPolicyAttachment = logs.policy;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      provider,
      name: logGroupName,
      kmsKeyId: this.key.arn,
      retentionInDays: LOG_RETENTION_DAYS,
    });

    // The trust policy has no aws:SourceArn/aws:SourceAccount condition: CloudTrail documents none
    // for its CloudWatch Logs delivery role, and a condition it does not satisfy fails CreateTrail
    // with InvalidCloudWatchLogsRoleArnException. The role can only write to this log group.
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    const delivery = new ServiceRole(this, "role", {
      provider,
      account,
      service: CLOUDTRAIL,
      name: names.trailRole(project),
      description: "threat-alerts: lets CloudTrail deliver events to its CloudWatch Logs group",
      policyName: "cloudtrail-delivery",
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
      statements: [
        {
          sid: "DeliverToTrailLogGroup",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:log-stream:*`],
        },
      ],
      requireSourceAccount: false,
    });
    this.role = delivery.role;

    this.trail = new Cloudtrail(this, "trail", {
      provider,
      name: trailName,
      s3BucketName: this.bucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.key.arn,
      // CloudTrail wants the log-stream wildcard on the log group ARN.
      // https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/cloudtrail#cloud_watch_logs_group_arn
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: this.role.arn,
      // CloudTrail checks the bucket policy and the role's permissions when the trail is created.
      dependsOn: [bucketPolicyAttachment, delivery.policy],
    });
  }
}
