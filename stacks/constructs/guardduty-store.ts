/**
 * The account's GuardDuty bucket and KMS key, in the home region: exported findings (a publishing
 * destination on every region's detector that this stack manages) and the trusted IP list.
 *
 * Where things may live (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html):
 * the bucket and the key must be in the same region; a commercial region's findings may go to a
 * bucket in any commercial region, but not to an opt-in region's bucket (the config check refuses
 * an opt-in homeRegion with other regions). So one bucket and key in homeRegion serve every region.
 *
 * Only GuardDuty of this account, for exactly these detectors, may write (aws:SourceAccount and
 * aws:SourceArn on the key and the bucket), and only objects encrypted with this key.
 */
import { Construct } from "constructs";
import { GuarddutyPublishingDestination } from "@cdktf/provider-aws/lib/guardduty-publishing-destination";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { names } from "../../config/names";
import type { IDetector } from "../guardduty/detector";
import { regionAlias } from "../../config/regions";
import type { BaseProps } from "./base-props";
import { CustomerKey } from "./customer-key";
import { HardenedBucket } from "./hardened-bucket";

/** A region's detector that this stack manages (created or adopted; `IDetector.owned`). */
export interface OwnedDetector {
  readonly region: string;
  /** The detector's region provider: the publishing destination belongs to the detector. */
  readonly provider: AwsProvider;
  /** Created or adopted by this stack (`owned`): only a detector's owner can add an export. */
  readonly detector: IDetector;
}

export interface FindingsExportSettings {
  /** Days an exported finding file is kept. */
  readonly retentionDays: number;
  /** The detectors that export (this stack manages them). */
  readonly detectors: readonly OwnedDetector[];
}

/** `provider` is the home region's: the bucket and the key live there. */
export interface GuardDutyStoreProps extends BaseProps {
  /** Export every finding of these detectors here. @default no export (the bucket holds the IP list only) */
  readonly export?: FindingsExportSettings;
}

const GUARDDUTY = "guardduty.amazonaws.com";
/** GuardDuty writes `AWSLogs/<account>/GuardDuty/<region>/...` under the destination. */
const EXPORT_PREFIX = "AWSLogs/";

export class GuardDutyStore extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly destinations: readonly GuarddutyPublishingDestination[];

  constructor(scope: Construct, id: string, props: GuardDutyStoreProps) {
    super(scope, id);
    const { provider, account, project } = props;
    const detectors = props.export?.detectors ?? [];
    assertOwned(detectors);
    const detectorArns = detectors.map((d) => account.arn("guardduty", d.region, `detector/${d.detector.detectorId}`));
    const fromTheseDetectors = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
      { test: "StringEquals", variable: "aws:SourceArn", values: detectorArns },
    ];

    // https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html (Step 2)
    this.key = new CustomerKey(this, "key", {
      provider,
      account,
      description: `threat-alerts ${project}: encrypts the exported GuardDuty findings`,
      alias: names.guarddutyKeyAlias(project),
      statements:
        detectors.length === 0
          ? []
          : [
              {
                sid: "GuardDutyEncryptsFindings",
                principals: [{ type: "Service", identifiers: [GUARDDUTY] }],
                actions: ["kms:GenerateDataKey"],
                resources: ["*"],
                condition: fromTheseDetectors,
              },
            ],
    }).key;

    // https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html (Step 3)
    const bucketName = names.guarddutyBucket(project, account.accountId);
    const secure = new HardenedBucket(this, "bucket", {
      provider,
      bucketName,
      key: this.key,
      retentionDays: props.export?.retentionDays,
      // The trusted IP list (lists/) must not expire.
      lifecyclePrefix: EXPORT_PREFIX,
      statements: (bucketArn) =>
        detectors.length === 0
          ? []
          : [
              {
                sid: "GuardDutyGetBucketLocation",
                principals: [{ type: "Service", identifiers: [GUARDDUTY] }],
                actions: ["s3:GetBucketLocation"],
                resources: [bucketArn],
                condition: fromTheseDetectors,
              },
              {
                sid: "GuardDutyPutObject",
                principals: [{ type: "Service", identifiers: [GUARDDUTY] }],
                actions: ["s3:PutObject"],
                resources: [`${bucketArn}/${EXPORT_PREFIX}*`],
                condition: fromTheseDetectors,
              },
              {
                sid: "DenyGuardDutyUnencryptedUploads",
                effect: "Deny",
                principals: [{ type: "Service", identifiers: [GUARDDUTY] }],
                actions: ["s3:PutObject"],
                resources: [`${bucketArn}/*`],
                condition: [{ test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] }],
              },
              {
                sid: "DenyGuardDutyOtherKeys",
                effect: "Deny",
                principals: [{ type: "Service", identifiers: [GUARDDUTY] }],
                actions: ["s3:PutObject"],
                resources: [`${bucketArn}/*`],
                condition: [
                  { test: "StringNotEquals", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: [this.key.arn] },
                ],
              },
            ],
    });
    this.bucket = secure.bucket;

    this.destinations = detectors.map(
      (d) =>
        new GuarddutyPublishingDestination(this, `destination-${regionAlias(d.region)}`, {
          provider: d.provider,
          detectorId: d.detector.detectorId,
          destinationType: "S3",
          destinationArn: this.bucket.arn,
          kmsKeyArn: this.key.arn,
          // GuardDuty checks that it can write to the bucket with the key when the destination is created.
          dependsOn: [secure.policy, this.key],
        }),
    );
  }
}

/** Exports, filters and IP lists belong to the detector's owner: a programming error otherwise. */
export function assertOwned(detectors: readonly OwnedDetector[]): void {
  for (const d of detectors) {
    if (!d.detector.owned) throw new Error(`internal: the detector in ${d.region} is not managed by this stack`);
  }
}
