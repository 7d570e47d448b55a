/**
 * What the alert-source settings build, read from the synthesized Terraform JSON: Config rules and
 * recorders, the Security Hub rule, the GuardDuty findings export (bucket, key, destinations),
 * suppression filters and the trusted IP list.
 */
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AccountContext } from "../../stacks/account-context";
import { GuardDutyStore } from "../../stacks/constructs/guardduty-store";
import { GuardDutySuppressions } from "../../stacks/constructs/guardduty-suppressions";
import { ExternalDetector } from "../../stacks/guardduty/detector";
import { checkRules } from "../../stacks/rules";
import { checkAgainstSchema } from "../helpers/schema-check";
import { countByProvider, policyDocument, referenced, resources, synthYaml, type Synthesized, type TfJson } from "../helpers/synth";

const YAML = `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1, ap-northeast-1]
notifications: { emails: [security@example.com] }
awsConfig:
  managedRules: [ec2-no-amazon-key-pair, restricted-ssh, iam-root-access-key-check, access-keys-rotated]
  ruleParameters: { access-keys-rotated: { maxAccessKeyAge: 90 } }
  createRecorder: true
  notify: [restricted-ssh, iam-root-access-key-check]
securityHub: { minSeverity: HIGH }
guardduty:
  export: { retentionDays: 400 }
  suppress:
    - name: internal-scanner
      reason: weekly authorised port scan from the security VPC
      findingTypes: [Recon:EC2/PortProbeUnprotectedPort]
      criteria:
        "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4": { eq: ["198.51.100.7"] }
        severity: { lt: 4 }
    - name: canary
      reason: the red team canary instance
      criteria: { "resource.instanceDetails.instanceId": { eq: [i-0123456789abcdef0] } }
  trustedIps: ["198.51.100.0/24", "203.0.113.10"]
`;

const REGIONS = ["aws.eu_west_1", "aws.us_east_1", "aws.ap_northeast_1"];

function only(stack: TfJson, type: string, filter: (r: Record<string, any>) => boolean = () => true): [string, Record<string, any>] {
  const found = resources(stack, type).filter(([, r]) => filter(r));
  expect(found.map(([name]) => name)).toHaveLength(1);
  return found[0];
}

function statement(doc: Record<string, any>, sid: string): Record<string, any> {
  const s = doc.statement.find((x: any) => x.sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${JSON.stringify(doc.statement.map((x: any) => x.sid))}`);
  return s;
}

const condition = (s: Record<string, any>, variable: string) => s.condition?.find((c: any) => c.variable === variable);

describe("alert sources in a three-region stack", () => {
  let out: Synthesized;
  let stack: TfJson;
  let accountId: string;
  let detectorIds: Record<string, string>;
  beforeAll(() => {
    out = synthYaml(YAML);
    stack = out.stacks.acme;
    accountId = `\${data.aws_caller_identity.${Object.keys(stack.data!.aws_caller_identity)[0]}.account_id}`;
    detectorIds = Object.fromEntries(
      resources(stack, "aws_guardduty_detector").map(([name, r]) => [r.provider, `\${aws_guardduty_detector.${name}.id}`]),
    );
  });
  afterAll(() => out.cleanup());

  test("every stack matches the provider schema and passes the rule pack", () => {
    expect(checkAgainstSchema(stack)).toEqual([]);
    expect(checkRules(stack).violations).toEqual([]);
  });

  describe("AWS Config", () => {
    test("regional rules in every region, account-wide IAM rules only in homeRegion", () => {
      const rules = resources(stack, "aws_config_config_rule").map(([, r]) => [r.provider, r.name, r.source.source_identifier]);
      expect(rules.filter(([, name]) => name === "acme-iam-root-access-key-check")).toEqual([
        ["aws.eu_west_1", "acme-iam-root-access-key-check", "IAM_ROOT_ACCESS_KEY_CHECK"],
      ]);
      expect(rules.filter(([, name]) => name === "acme-access-keys-rotated")).toEqual([
        ["aws.eu_west_1", "acme-access-keys-rotated", "ACCESS_KEYS_ROTATED"],
      ]);
      for (const p of REGIONS) {
        expect(rules).toContainEqual([p, "acme-ec2-no-amazon-key-pair", "EC2_NO_AMAZON_KEY_PAIR"]);
        // The name people know differs from the API identifier for this one.
        expect(rules).toContainEqual([p, "acme-restricted-ssh", "INCOMING_SSH_DISABLED"]);
      }
      for (const [, r] of resources(stack, "aws_config_config_rule")) expect(r.source.owner).toBe("AWS");
    });

    test("rule parameters go to their rule only, as a JSON object of strings", () => {
      for (const [, r] of resources(stack, "aws_config_config_rule")) {
        expect(r.input_parameters).toBe(r.name === "acme-access-keys-rotated" ? '{"maxAccessKeyAge":"90"}' : undefined);
      }
    });

    test("each region's compliance rule lists that region's notify rules and targets that region's topic", () => {
      const rules = resources(stack, "aws_cloudwatch_event_rule").filter(([, r]) => r.name === "acme-config-noncompliant");
      expect(rules.map(([, r]) => r.provider).sort()).toEqual([...REGIONS].sort());
      for (const [name, r] of rules) {
        const names = JSON.parse(r.event_pattern).detail.configRuleName;
        expect(names).toEqual(
          r.provider === "aws.eu_west_1" ? ["acme-restricted-ssh", "acme-iam-root-access-key-check"] : ["acme-restricted-ssh"],
        );
        const [, target] = only(stack, "aws_cloudwatch_event_target", (t) => t.rule === `\${aws_cloudwatch_event_rule.${name}.name}`);
        const [, topic] = referenced(stack, target.arn);
        expect(topic.provider).toBe(r.provider);
      }
    });

    test("one recorder and delivery channel per region, named default, recording global resources only in homeRegion", () => {
      const recorders = resources(stack, "aws_config_configuration_recorder");
      expect(
        recorders
          .map(([, r]) => [r.provider, r.name, r.recording_group.all_supported, r.recording_group.include_global_resource_types])
          .sort(),
      ).toEqual([
        ["aws.ap_northeast_1", "default", true, false],
        ["aws.eu_west_1", "default", true, true],
        ["aws.us_east_1", "default", true, false],
      ]);
      expect(countByProvider(stack, "aws_config_delivery_channel")).toEqual({
        "aws.eu_west_1": 1,
        "aws.us_east_1": 1,
        "aws.ap_northeast_1": 1,
      });
      for (const [, status] of resources(stack, "aws_config_configuration_recorder_status")) expect(status.is_enabled).toBe(true);
    });

    test("rules wait for their region's recorder to record", () => {
      for (const [, rule] of resources(stack, "aws_config_config_rule")) {
        const [, status] = referenced(stack, `\${${rule.depends_on[0]}.id}`);
        expect(status.provider).toBe(rule.provider);
        expect(rule.depends_on[0]).toMatch(/^aws_config_configuration_recorder_status\./);
      }
    });

    test("all regions deliver to one encrypted bucket in homeRegion through one role", () => {
      const channels = resources(stack, "aws_config_delivery_channel");
      const buckets = new Set(channels.map(([, c]) => c.s3_bucket_name));
      expect(buckets.size).toBe(1);
      const [, bucket] = referenced(stack, [...buckets][0]);
      expect(bucket.provider).toBe("aws.eu_west_1");
      expect(bucket.bucket).toBe(`acme-config-${accountId}`);
      const [, role] = only(stack, "aws_iam_role", (r) => r.name === "acme-config");
      const trust = policyDocument(stack, role.assume_role_policy).statement[0];
      expect(trust.principals).toEqual([{ type: "Service", identifiers: ["config.amazonaws.com"] }]);
      const [, attachment] = only(stack, "aws_iam_role_policy_attachment");
      expect(attachment.policy_arn).toMatch(/^arn:\$\{data\.aws_partition\.[^}]+\}:iam::aws:policy\/service-role\/AWS_ConfigRole$/);
    });
  });

  test("a Security Hub rule per region, HIGH and CRITICAL, to the region's topic", () => {
    const rules = resources(stack, "aws_cloudwatch_event_rule").filter(([, r]) => r.name === "acme-securityhub-findings");
    expect(rules.map(([, r]) => r.provider).sort()).toEqual([...REGIONS].sort());
    for (const [, r] of rules) expect(JSON.parse(r.event_pattern).detail.findings.Severity.Label).toEqual(["HIGH", "CRITICAL"]);
  });

  describe("findings export", () => {
    let bucketName: string;
    let keyRef: string;
    const detectorArn = (provider: string, region: string) =>
      `arn:\${data.aws_partition.${Object.keys(stack.data!.aws_partition)[0]}.partition}:guardduty:${region}:${accountId}:detector/${detectorIds[provider]}`;
    const allDetectorArns = () =>
      [
        detectorArn("aws.eu_west_1", "eu-west-1"),
        detectorArn("aws.us_east_1", "us-east-1"),
        detectorArn("aws.ap_northeast_1", "ap-northeast-1"),
      ].sort();
    beforeAll(() => {
      const [name, bucket] = only(stack, "aws_s3_bucket", (b) => String(b.bucket).startsWith("acme-guardduty-"));
      bucketName = name;
      expect(bucket.provider).toBe("aws.eu_west_1");
      const [, enc] = only(stack, "aws_s3_bucket_server_side_encryption_configuration", (e) => e.bucket === `\${aws_s3_bucket.${name}.id}`);
      keyRef = enc.rule[0].apply_server_side_encryption_by_default.kms_master_key_id;
      expect(enc.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    });

    test("a publishing destination on every region's detector, to the homeRegion bucket and key", () => {
      const destinations = resources(stack, "aws_guardduty_publishing_destination");
      expect(destinations.map(([, d]) => d.provider).sort()).toEqual([...REGIONS].sort());
      for (const [, d] of destinations) {
        expect(d.detector_id).toBe(detectorIds[d.provider]);
        expect(d.destination_type).toBe("S3");
        expect(d.destination_arn).toBe(`\${aws_s3_bucket.${bucketName}.arn}`);
        expect(d.kms_key_arn).toBe(keyRef);
        // GuardDuty checks the bucket policy when the destination is created.
        expect(d.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\./)]));
      }
    });

    test("the key lets only GuardDuty of this account, for these detectors, generate data keys", () => {
      const [, key] = referenced(stack, keyRef);
      expect(key.enable_key_rotation).toBe(true);
      const s = statement(policyDocument(stack, key.policy), "GuardDutyEncryptsFindings");
      expect(s.principals).toEqual([{ type: "Service", identifiers: ["guardduty.amazonaws.com"] }]);
      expect(s.actions).toEqual(["kms:GenerateDataKey"]);
      expect(condition(s, "aws:SourceAccount")).toEqual({ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] });
      expect([...condition(s, "aws:SourceArn").values].sort()).toEqual(allDetectorArns());
    });

    test("the bucket policy lets only these detectors write, only under AWSLogs/, only with this key, only over TLS", () => {
      const [, attachment] = only(stack, "aws_s3_bucket_policy", (p) => p.bucket === `\${aws_s3_bucket.${bucketName}.id}`);
      const doc = policyDocument(stack, attachment.policy);
      const bucketArn = `\${aws_s3_bucket.${bucketName}.arn}`;
      const put = statement(doc, "GuardDutyPutObject");
      expect(put.principals).toEqual([{ type: "Service", identifiers: ["guardduty.amazonaws.com"] }]);
      expect(put.resources).toEqual([`${bucketArn}/AWSLogs/*`]);
      expect([...condition(put, "aws:SourceArn").values].sort()).toEqual(allDetectorArns());
      expect(condition(put, "aws:SourceAccount").values).toEqual([accountId]);
      expect(statement(doc, "GuardDutyGetBucketLocation").resources).toEqual([bucketArn]);
      const unencrypted = statement(doc, "DenyGuardDutyUnencryptedUploads");
      expect(unencrypted.effect).toBe("Deny");
      expect(condition(unencrypted, "s3:x-amz-server-side-encryption")).toEqual({
        test: "StringNotEquals",
        variable: "s3:x-amz-server-side-encryption",
        values: ["aws:kms"],
      });
      const otherKeys = statement(doc, "DenyGuardDutyOtherKeys");
      expect(condition(otherKeys, "s3:x-amz-server-side-encryption-aws-kms-key-id").values).toEqual([keyRef]);
      const tls = statement(doc, "DenyInsecureTransport");
      expect([tls.effect, tls.principals, condition(tls, "aws:SecureTransport").values]).toEqual([
        "Deny",
        [{ type: "*", identifiers: ["*"] }],
        ["false"],
      ]);
    });

    test("the bucket is private, owner-enforced, versioned, and exported findings expire after retentionDays", () => {
      const of = (type: string) => only(stack, type, (r) => r.bucket === `\${aws_s3_bucket.${bucketName}.id}`)[1];
      expect(of("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(of("aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
      expect(of("aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
      const rule = of("aws_s3_bucket_lifecycle_configuration").rule[0];
      expect(rule.filter).toEqual([{ prefix: "AWSLogs/" }]);
      expect(rule.expiration).toEqual([{ days: 400 }]);
    });
  });

  describe("suppressions", () => {
    test("one ARCHIVE filter per entry per region, ranked in config order, with the reason as description", () => {
      const filters = resources(stack, "aws_guardduty_filter");
      expect(countByProvider(stack, "aws_guardduty_filter")).toEqual({ "aws.eu_west_1": 2, "aws.us_east_1": 2, "aws.ap_northeast_1": 2 });
      for (const [, f] of filters) {
        expect(f.action).toBe("ARCHIVE");
        expect(f.detector_id).toBe(detectorIds[f.provider]);
      }
      const scanner = filters.find(([, f]) => f.provider === "aws.us_east_1" && f.name === "acme-internal-scanner")![1];
      expect(scanner.rank).toBe(1);
      expect(scanner.description).toBe("weekly authorised port scan from the security VPC");
      expect(scanner.finding_criteria.criterion).toEqual([
        { field: "type", equals: ["Recon:EC2/PortProbeUnprotectedPort"] },
        { field: "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4", equals: ["198.51.100.7"] },
        { field: "severity", less_than: "4" },
      ]);
      const canary = filters.find(([, f]) => f.provider === "aws.us_east_1" && f.name === "acme-canary")![1];
      expect([canary.rank, canary.finding_criteria.criterion]).toEqual([
        2,
        [{ field: "resource.instanceDetails.instanceId", equals: ["i-0123456789abcdef0"] }],
      ]);
    });
  });

  describe("trusted IPs", () => {
    test("the list is one SSE-S3 text object in the GuardDuty bucket, named by its content", () => {
      const [, object] = only(stack, "aws_s3_object");
      expect(object.provider).toBe("aws.eu_west_1");
      expect(object.content).toBe("198.51.100.0/24\n203.0.113.10\n");
      expect(object.server_side_encryption).toBe("AES256");
      expect(object.key).toMatch(/^lists\/trusted-ips-[0-9a-f]{12}\.txt$/);
      const [, bucket] = referenced(stack, object.bucket);
      expect(bucket.bucket).toBe(`acme-guardduty-${accountId}`);
    });

    test("an active TXT IP set on every region's detector points at the object", () => {
      const [objectName] = only(stack, "aws_s3_object");
      const sets = resources(stack, "aws_guardduty_ipset");
      expect(sets.map(([, s]) => s.provider).sort()).toEqual([...REGIONS].sort());
      for (const [, s] of sets) {
        expect([s.format, s.activate, s.name, s.detector_id]).toEqual(["TXT", true, "acme-trusted-ips", detectorIds[s.provider]]);
        expect(s.location).toMatch(
          new RegExp(
            `^https://s3\\.\\$\\{data\\.aws_partition\\.[^}]+\\.dns_suffix\\}/\\$\\{aws_s3_bucket\\.[^}]+\\.bucket\\}/\\$\\{aws_s3_object\\.${objectName}\\.key\\}$`,
          ),
        );
      }
    });
  });
});

describe("a changed trusted IP list", () => {
  test("moves the object, so GuardDuty reloads it", () => {
    const key = (ips: string) => {
      const out = synthYaml(
        `project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\nguardduty: { trustedIps: [${ips}] }\n`,
      );
      try {
        return only(out.stacks.acme, "aws_s3_object")[1].key;
      } finally {
        out.cleanup();
      }
    };
    expect(key("198.51.100.0/24")).toBe(key("198.51.100.0/24"));
    expect(key("198.51.100.0/24")).not.toBe(key("198.51.100.0/24, 203.0.113.10"));
  });
});

describe("trusted IPs without an export", () => {
  test("the bucket holds the list but grants GuardDuty nothing and nothing expires", () => {
    const out = synthYaml(
      `project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\nguardduty: { trustedIps: [203.0.113.10] }\n`,
    );
    try {
      const stack = out.stacks.acme;
      expect(resources(stack, "aws_guardduty_publishing_destination")).toEqual([]);
      const [, policy] = only(stack, "aws_s3_bucket_policy");
      expect(policyDocument(stack, policy.policy).statement.map((s: any) => s.sid)).toEqual(["DenyInsecureTransport"]);
      const [, lifecycle] = only(stack, "aws_s3_bucket_lifecycle_configuration");
      expect(lifecycle.rule[0].expiration).toBeUndefined();
      expect(resources(stack, "aws_guardduty_ipset")).toHaveLength(1);
      expect(checkAgainstSchema(stack)).toEqual([]);
    } finally {
      out.cleanup();
    }
  });
});

describe("without the new settings", () => {
  test("nothing of them is built", () => {
    const out = synthYaml(
      "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\n",
    );
    try {
      for (const type of [
        "aws_config_config_rule",
        "aws_config_configuration_recorder",
        "aws_guardduty_filter",
        "aws_guardduty_ipset",
        "aws_guardduty_publishing_destination",
        "aws_s3_bucket",
      ]) {
        expect({ type, found: resources(out.stacks.acme, type) }).toEqual({ type, found: [] });
      }
    } finally {
      out.cleanup();
    }
  });
});

describe("adopting an existing recorder", () => {
  test("imports the region's recorder, delivery channel and status named default, and creates the others", () => {
    const out = synthYaml(`
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1]
notifications: { emails: [security@example.com] }
awsConfig: { managedRules: [restricted-ssh], createRecorder: true, adoptRecorderIn: [us-east-1] }
`);
    try {
      const stack = out.stacks.acme as TfJson & { import?: Array<Record<string, string>> };
      const imports = stack.import ?? [];
      expect(imports.map((i) => [i.to.split(".")[0], i.id, i.provider]).sort()).toEqual([
        ["aws_config_configuration_recorder", "default", "aws.us_east_1"],
        ["aws_config_configuration_recorder_status", "default", "aws.us_east_1"],
        ["aws_config_delivery_channel", "default", "aws.us_east_1"],
      ]);
      for (const i of imports) {
        const [type, name] = i.to.split(".");
        expect(stack.resource[type][name].provider).toBe("aws.us_east_1");
      }
      expect(resources(stack, "aws_config_configuration_recorder")).toHaveLength(2);
      expect(checkAgainstSchema(stack)).toEqual([]);
    } finally {
      out.cleanup();
    }
  });
});

describe("an adopted detector", () => {
  test("gets the export, suppressions and IP set like a created one", () => {
    const out = synthYaml(`
project: acme
homeRegion: us-east-1
regions: [us-east-1, eu-west-1]
notifications: { emails: [security@example.com] }
guardduty:
  existingDetectors: { default: { eu-west-1: 0123456789abcdef0123456789abcdef } }
  export: {}
  suppress: [{ name: scanner, reason: authorised scans, findingTypes: [Recon:EC2/PortProbeUnprotectedPort] }]
  trustedIps: [203.0.113.10]
`);
    try {
      const stack = out.stacks.acme;
      const [detectorName] = only(stack, "aws_guardduty_detector", (d) => d.provider === "aws.eu_west_1");
      const adopted = `\${aws_guardduty_detector.${detectorName}.id}`;
      for (const type of ["aws_guardduty_publishing_destination", "aws_guardduty_filter", "aws_guardduty_ipset"]) {
        expect({ type, detector: only(stack, type, (r) => r.provider === "aws.eu_west_1")[1].detector_id }).toEqual({
          type,
          detector: adopted,
        });
      }
      expect(checkAgainstSchema(stack)).toEqual([]);
    } finally {
      out.cleanup();
    }
  });
});

describe("constructs given a detector someone else manages", () => {
  test("refuse it: only a detector's owner adds filters, IP sets and exports", () => {
    const app = new App();
    const stack = new TerraformStack(app, "s");
    const provider = new AwsProvider(stack, "aws", { alias: "us_east_1", region: "us-east-1" });
    const account = new AccountContext(stack, "account", { provider });
    const detector = new ExternalDetector(stack, "detector", { provider });
    const owned = [{ region: "us-east-1", provider, detector }];
    expect(() => new GuardDutySuppressions(stack, "f", { provider, project: "acme", detector, suppressions: [] })).toThrow(/manages/);
    expect(
      () => new GuardDutyStore(stack, "g", { provider, account, project: "acme", export: { retentionDays: 365, detectors: owned } }),
    ).toThrow(/not managed by this stack/);
  });
});
