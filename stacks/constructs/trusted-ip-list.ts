/**
 * A GuardDuty trusted IP list: one text file in the account's GuardDuty bucket, and an IP set on
 * every region's detector that this stack manages. GuardDuty creates no findings for traffic from
 * these addresses.
 *
 * Permissions (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html):
 * whoever applies the stack needs s3:GetObject on the file and iam:PutRolePolicy on GuardDuty's
 * service-linked role (GuardDuty adds a policy to its service-linked role to read the file). The file is encrypted
 * with SSE-S3, which GuardDuty reads without a key grant; with SSE-KMS the key policy would have
 * to name GuardDuty's service-linked role, which does not exist before the first detector does.
 * The file name carries a hash of its content, so a changed list changes the IP sets' location and
 * GuardDuty loads it again (it reads the file when the IP set is created or updated).
 */
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { GuarddutyIpset } from "@cdktf/provider-aws/lib/guardduty-ipset";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { names } from "../../config/names";
import { regionAlias } from "../../config/regions";
import { assertOwned, type OwnedDetector } from "./guardduty-store";

export interface TrustedIpListProps {
  /** The bucket's (home region) provider. */
  readonly provider: AwsProvider;
  readonly project: string;
  readonly bucket: S3Bucket;
  /** IPv4/IPv6 addresses and CIDR blocks, already validated. */
  readonly ips: readonly string[];
  /** Detectors this stack manages: only a detector's administrator can add an IP set. */
  readonly detectors: readonly OwnedDetector[];
}

export class TrustedIpList extends Construct {
  readonly object: S3Object;
  readonly ipSets: readonly GuarddutyIpset[];

  constructor(scope: Construct, id: string, props: TrustedIpListProps) {
    super(scope, id);
    const { provider } = props;
    assertOwned(props.detectors);
    // GuardDuty's TXT format: one address or CIDR block per line.
    const content = props.ips.map((ip) => ip.trim()).join("\n") + "\n";
    const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
    this.object = new S3Object(this, "list", {
      provider,
      bucket: props.bucket.id,
      key: `lists/trusted-ips-${hash}.txt`,
      content,
      contentType: "text/plain",
      serverSideEncryption: "AES256",
    });
    const dnsSuffix = new DataAwsPartition(this, "partition", { provider }).dnsSuffix;
    const location = `https://s3.${dnsSuffix}/${props.bucket.bucket}/${this.object.key}`;
    this.ipSets = props.detectors.map(
      (d) =>
        new GuarddutyIpset(this, `ipset-${regionAlias(d.region)}`, {
          provider: d.provider,
          detectorId: d.detector.detectorId,
          name: names.trustedIpSet(props.project),
          format: "TXT",
          location,
          activate: true,
          dependsOn: [this.object],
        }),
    );
  }
}
