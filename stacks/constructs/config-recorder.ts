/**
 * AWS Config recording: one bucket, key and role per account in the home region
 * (`ConfigDelivery`), and in every region a recorder for all supported resource types, its
 * delivery channel and its status (`ConfigRecorder`).
 *
 * AWS Config allows one recorder and one delivery channel per account and region: where one
 * already exists, creating another fails (MaxNumberOfConfigurationRecordersExceededException).
 * Both are named `default`, the name the console and CLI give them, so an existing pair can be
 * adopted with `terraform import` (README: AWS Config) without a rename. Delivery channels may
 * be cross-region (except in China (Beijing)), so one bucket in homeRegion serves every region.
 * https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { names } from "../../config/names";
import { importWithoutBinaryCheck } from "../import-without-binary-check";
import type { BaseProps } from "./base-props";
import { CustomerKey } from "./customer-key";
import { HardenedBucket } from "./hardened-bucket";
import { ServiceRole } from "./service-role";

/** `provider` is the home region's: bucket, key and role live there. */
export type ConfigDeliveryProps = BaseProps;

/** Configuration history and snapshots are kept this long. */
const CONFIG_RETENTION_DAYS = 365;

export class ConfigDelivery extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly role: IamRole;
  /** What a delivery channel needs in place: PutDeliveryChannel checks that the role can write. */
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: ConfigDeliveryProps) {
    super(scope, id);
    const { provider, account, project } = props;
    // The recorders deliver with this role, whose IAM policy grants the key: the account
    // statement of the key policy lets IAM policies do that.
    this.key = new CustomerKey(this, "key", {
      provider,
      account,
      description: `threat-alerts ${project}: encrypts AWS Config's configuration history`,
      alias: names.configKeyAlias(project),
      statements: [],
    }).key;
    const bucket = new HardenedBucket(this, "bucket", {
      provider,
      bucketName: names.configBucket(project, account.accountId),
      key: this.key,
      retentionDays: CONFIG_RETENTION_DAYS,
    });
    this.bucket = bucket.bucket;
    // https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html
    const role = new ServiceRole(this, "role", {
      provider,
      account,
      service: "config.amazonaws.com",
      name: names.configRole(project),
      description: "threat-alerts: lets AWS Config record resources and deliver to its bucket",
      policyName: "config-delivery",
      statements: [
        { sid: "CheckBucket", actions: ["s3:GetBucketAcl", "s3:ListBucket"], resources: [this.bucket.arn] },
        { sid: "Deliver", actions: ["s3:PutObject", "s3:PutObjectAcl"], resources: [`${this.bucket.arn}/AWSLogs/${account.accountId}/*`] },
        { sid: "EncryptDeliveries", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [this.key.arn] },
      ],
    });
    this.role = role.role;
    // Read access to the configuration of every supported resource type.
    const readConfiguration = new IamRolePolicyAttachment(this, "read-configuration", {
      provider,
      role: this.role.name,
      policyArn: `arn:${account.partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
    });
    this.ready = [role.policy, readConfiguration, bucket.policy];
  }
}

export interface ConfigRecorderProps {
  /** The region's provider. */
  readonly provider: AwsProvider;
  readonly delivery: ConfigDelivery;
  /**
   * Record global resources (IAM users, roles, policies). Only one region should, or every region
   * records (and pays for) the same items.
   */
  readonly recordGlobalResources: boolean;
  /**
   * The region already has a recorder and a delivery channel named `default`: the first plan
   * imports them (Terraform import blocks) and then manages them like created ones.
   * @default false: create them
   */
  readonly adopt?: boolean;
}

export class ConfigRecorder extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  /** Recording is on once this exists: rules depend on it. */
  readonly status: ConfigConfigurationRecorderStatus;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const { provider, delivery } = props;
    this.recorder = new ConfigConfigurationRecorder(this, "recorder", {
      provider,
      name: names.configRecorder(),
      roleArn: delivery.role.arn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.recordGlobalResources },
    });
    const channel = new ConfigDeliveryChannel(this, "delivery-channel", {
      provider,
      name: names.configRecorder(),
      s3BucketName: delivery.bucket.id,
      s3KmsKeyArn: delivery.key.arn,
      dependsOn: [this.recorder, ...delivery.ready],
    });
    this.status = new ConfigConfigurationRecorderStatus(this, "status", {
      provider,
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
    if (props.adopt) {
      // The import ids of all three are the recorder's or channel's name.
      // https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/config_configuration_recorder#import
      for (const resource of [this.recorder, channel, this.status]) importWithoutBinaryCheck(resource, names.configRecorder(), provider);
    }
  }
}
