import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkAgainstSchema, extractTraversals } from "./schema-check";

// Real cdktf 0.21.0 synth output that `terraform validate` accepts (see the .SOURCE.md beside it).
// The broken copies below follow the breaking edits of the shared tfstub self-test (test/selftest.js).
const FIXTURE = join(__dirname, "..", "fixtures", "tfstub-alerts.cdk.tf.json");

type Doc = any;
const fixture = (): Doc => JSON.parse(readFileSync(FIXTURE, "utf8"));
const problemsAfter = (mutate: (doc: Doc) => void): string[] => {
  const doc = fixture();
  mutate(doc);
  return checkAgainstSchema(doc);
};

const TOPIC = "resource.aws_sns_topic.topic-eu-west-1";
const TARGET = "resource.aws_cloudwatch_event_target.tgt-eu-west-1";
const DETECTOR = "resource.aws_guardduty_detector.gd-eu-west-1";

describe("checkAgainstSchema on a valid document", () => {
  it("finds no problems in real cdktf synth output", () => {
    expect(checkAgainstSchema(fixture())).toEqual([]);
  });

  it("accepts meta-arguments, cdktf metadata and timeouts where the schema has them", () => {
    expect(
      problemsAfter((d) => {
        const key = d.resource.aws_kms_key["key-eu-west-1"];
        key.depends_on = ["aws_s3_bucket.logs", "data.aws_caller_identity.me"];
        key.lifecycle = { prevent_destroy: true, ignore_changes: ["tags"] };
        key.timeouts = { create: "10m" };
        d.resource.aws_s3_bucket.logs.count = 1;
        d.resource.aws_iam_role["chatbot-role"].for_each = '${toset(["a"])}';
      }),
    ).toEqual([]);
  });

  it("accepts literals Terraform converts, and expressions for any type", () => {
    expect(
      problemsAfter((d) => {
        const key = d.resource.aws_kms_key["key-eu-west-1"];
        key.enable_key_rotation = "true";
        key.deletion_window_in_days = "7";
        key.description = 42;
        key.is_enabled = "${var.enabled}";
        key.tags = { team: "secops", "${local.tag_key}": "${local.tag_value}" };
        d.variable = { enabled: { type: "bool" } };
        d.locals = { tag_key: "k", tag_value: "v" };
      }),
    ).toEqual([]);
  });

  it("accepts a dynamic block for a block type the schema has", () => {
    expect(
      problemsAfter((d) => {
        const doc = d.data.aws_iam_policy_document["topic-eu-west-1-doc"];
        doc.dynamic = {
          statement: {
            for_each: '${toset(["a"])}',
            iterator: "s",
            content: { actions: ["sns:Publish"], sid: "${s.value}" },
          },
        };
      }),
    ).toEqual([]);
  });
});

describe("checkAgainstSchema finds", () => {
  it("an unknown resource type, with a suggestion", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topik = d.resource.aws_sns_topic;
      }),
    ).toEqual(['resource.aws_sns_topik: unknown resource type "aws_sns_topik" (did you mean "aws_sns_topic"?)']);
  });

  it("an unknown data source type", () => {
    expect(
      problemsAfter((d) => {
        d.data.aws_caller_identiti = { me2: {} };
      }),
    ).toEqual(['data.aws_caller_identiti: unknown data source type "aws_caller_identiti" (did you mean "aws_caller_identity"?)']);
  });

  it("an unknown argument in a resource", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topic["topic-eu-west-1"].display_nam = "x";
      }),
    ).toEqual([`${TOPIC}: unknown argument "display_nam" (did you mean "display_name"?)`]);
  });

  it("an unknown argument inside a nested block of a data source", () => {
    expect(
      problemsAfter((d) => {
        d.data.aws_iam_policy_document["topic-eu-west-1-doc"].statement[0].efect = "Allow";
      }),
    ).toEqual(['data.aws_iam_policy_document.topic-eu-west-1-doc.statement[0]: unknown argument "efect" (did you mean "effect"?)']);
  });

  it("an unknown argument in a provider block", () => {
    expect(
      problemsAfter((d) => {
        d.provider.aws[1].regoin = "eu-west-1";
      }),
    ).toEqual(['provider.aws[1]: unknown argument "regoin" (did you mean "region"?)']);
  });

  it("timeouts on a resource whose schema has none", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topic["topic-eu-west-1"].timeouts = { create: "10m" };
      }),
    ).toEqual([`${TOPIC}: unknown argument "timeouts"`]);
  });

  it("a meta-argument that data sources do not have", () => {
    expect(
      problemsAfter((d) => {
        d.data.aws_caller_identity.me.provisioner = [];
      }),
    ).toEqual(['data.aws_caller_identity.me: unknown argument "provisioner"']);
  });

  it("a missing required argument, also when set to null", () => {
    expect(
      problemsAfter((d) => {
        delete d.resource.aws_cloudwatch_event_target["tgt-eu-west-1"].arn;
        d.resource.aws_cloudwatch_event_target["tgt-us-east-1"].rule = null;
      }),
    ).toEqual([
      `${TARGET}: missing required argument "arn"`,
      'resource.aws_cloudwatch_event_target.tgt-us-east-1: missing required argument "rule"',
    ]);
  });

  it("a missing required argument inside a nested block", () => {
    expect(
      problemsAfter((d) => {
        delete d.resource.aws_guardduty_detector_feature["gd-eu-west-1-rt"].additional_configuration[0].status;
      }),
    ).toEqual(['resource.aws_guardduty_detector_feature.gd-eu-west-1-rt.additional_configuration[0]: missing required argument "status"']);
  });

  it("a computed-only attribute that is set", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topic["topic-eu-west-1"].arn = "arn:aws:sns:eu-west-1:123456789012:x";
      }),
    ).toEqual([`${TOPIC}: "arn" is computed-only and cannot be set`]);
  });

  it("more blocks than max_items", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_guardduty_detector["gd-eu-west-1"].datasources = [{ s3_logs: [{ enable: true }] }, { s3_logs: [{ enable: true }] }];
      }),
    ).toEqual([`${DETECTOR}: at most 1 "datasources" block(s) allowed, found 2`]);
  });

  it("more than one block where the nesting mode is single", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_kms_key["key-eu-west-1"].timeouts = [{ create: "1m" }, { create: "2m" }];
      }),
    ).toEqual(['resource.aws_kms_key.key-eu-west-1: at most 1 "timeouts" block(s) allowed, found 2']);
  });

  it("fewer blocks than min_items, whether empty or left out", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_s3_bucket_server_side_encryption_configuration["logs-sse"].rule = [];
      }),
    ).toEqual(['resource.aws_s3_bucket_server_side_encryption_configuration.logs-sse: at least 1 "rule" block(s) required, found 0']);
    expect(
      problemsAfter((d) => {
        delete d.resource.aws_s3_bucket_server_side_encryption_configuration["logs-sse"].rule;
      }),
    ).toEqual(['resource.aws_s3_bucket_server_side_encryption_configuration.logs-sse: at least 1 "rule" block(s) required, found 0']);
  });

  it("a string where a nested block is needed", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_guardduty_detector_feature["gd-eu-west-1-rt"].additional_configuration = "EKS_ADDON_MANAGEMENT";
      }),
    ).toEqual([
      'resource.aws_guardduty_detector_feature.gd-eu-west-1-rt.additional_configuration: expected a block (object), got string "EKS_ADDON_MANAGEMENT"',
    ]);
  });

  it.each([
    ["a string for a bool", "enable", "yes please", `${DETECTOR}: argument "enable": expects bool, got string "yes please"`],
    ["an object for a bool", "enable", { on: true }, `${DETECTOR}: argument "enable": expects bool, got an object`],
    ["a number for a bool", "enable", 1, `${DETECTOR}: argument "enable": expects bool, got number 1`],
    ["an array for a map", "tags", ["a"], `${DETECTOR}: argument "tags": expects map of string, got an array`],
    ["an object inside a map of strings", "tags", { a: { b: "c" } }, `${DETECTOR}: argument "tags.a": expects string, got an object`],
    [
      "an array for a string",
      "finding_publishing_frequency",
      ["SIX_HOURS"],
      `${DETECTOR}: argument "finding_publishing_frequency": expects string, got an array`,
    ],
  ])("a literal of the wrong type: %s", (_name, argument, value, problem) => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_guardduty_detector["gd-eu-west-1"][argument] = value;
      }),
    ).toEqual([problem]);
  });

  it("a non-numeric string for a number, and a string for a set", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_kms_key["key-eu-west-1"].deletion_window_in_days = "seven";
        d.data.aws_iam_policy_document["topic-eu-west-1-doc"].statement[0].actions = "sns:Publish";
      }),
    ).toEqual([
      'resource.aws_kms_key.key-eu-west-1: argument "deletion_window_in_days": expects number, got string "seven"',
      'data.aws_iam_policy_document.topic-eu-west-1-doc.statement[0]: argument "actions": expects set of string, got string "sns:Publish"',
    ]);
  });

  it("a reference to an undeclared resource", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_cloudwatch_event_target["tgt-eu-west-1"].rule = "${aws_cloudwatch_event_rule.nope.name}";
      }),
    ).toEqual([
      `${TARGET}.rule: reference to undeclared resource "aws_cloudwatch_event_rule.nope" in "\${aws_cloudwatch_event_rule.nope.name}"`,
    ]);
  });

  it("references to an undeclared data source, variable and local value", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topic["topic-eu-west-1"].display_name = "${data.aws_region.here.region}-${var.env}-${local.suffix}";
      }),
    ).toEqual([
      `${TOPIC}.display_name: reference to undeclared data source "data.aws_region.here" in "\${data.aws_region.here.region}-\${var.env}-\${local.suffix}"`,
      `${TOPIC}.display_name: reference to undeclared variable "var.env" in "\${data.aws_region.here.region}-\${var.env}-\${local.suffix}"`,
      `${TOPIC}.display_name: reference to undeclared local value "local.suffix" in "\${data.aws_region.here.region}-\${var.env}-\${local.suffix}"`,
    ]);
  });

  it("a reference to an attribute the resource type does not have", () => {
    expect(
      problemsAfter((d) => {
        const target = d.resource.aws_cloudwatch_event_target["tgt-eu-west-1"];
        target.arn = target.arn.replace(".arn}", ".arnn}");
      }),
    ).toEqual([
      `${TARGET}.arn: "arnn" is not an attribute of aws_sns_topic (did you mean "arn"?) in "\${aws_sns_topic.topic-eu-west-1.arnn}"`,
    ]);
  });

  it("a bad attribute of a data source, nested in a function call", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topic_policy["topic-eu-west-1-policy"].policy =
          '${jsonencode(merge(jsondecode(data.aws_iam_policy_document.topic-eu-west-1-doc.jsn), {"Id" = "${aws_sns_topic.topic-eu-west-1.name}"}))}';
      }),
    ).toEqual([
      expect.stringMatching(
        /^resource\.aws_sns_topic_policy\.topic-eu-west-1-policy\.policy: "jsn" is not an attribute of aws_iam_policy_document \(did you mean "json"\?\) in /,
      ),
    ]);
  });

  it("a depends_on entry that names nothing declared", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_kms_key["key-eu-west-1"].depends_on = ["aws_s3_bucket.gone"];
      }),
    ).toEqual([
      'resource.aws_kms_key.key-eu-west-1.depends_on[0]: reference to undeclared resource "aws_s3_bucket.gone" in "aws_s3_bucket.gone"',
    ]);
  });

  it("a provider alias that is not configured", () => {
    expect(
      problemsAfter((d) => {
        d.resource.aws_sns_topic["topic-eu-west-1"].provider = "aws.eu_west_9";
      }),
    ).toEqual([`${TOPIC}: provider "aws.eu_west_9" is not configured in provider.aws (configured: aws, aws.eu_west_1, aws.us_east_1)`]);
  });

  it('"aws" as provider when every aws block has an alias', () => {
    expect(
      problemsAfter((d) => {
        d.provider.aws.shift();
        d.data.aws_caller_identity.me.provider = "aws";
      }),
    ).toEqual(['data.aws_caller_identity.me: provider "aws" is not configured in provider.aws (configured: aws.eu_west_1, aws.us_east_1)']);
  });

  it("a duplicate provider alias", () => {
    expect(
      problemsAfter((d) => {
        d.provider.aws.push({ alias: "us_east_1", region: "us-east-2" });
      }),
    ).toEqual(['provider.aws[3]: duplicate alias "us_east_1"']);
  });

  it("required_providers that does not name aws", () => {
    expect(
      problemsAfter((d) => {
        delete d.terraform.required_providers.aws;
      }),
    ).toEqual(['terraform.required_providers: does not name "aws"']);
  });
});

describe("extractTraversals", () => {
  it("finds every reference in a template, with index and splat steps", () => {
    expect(extractTraversals("${aws_s3_bucket.b[0].arn}/x-${data.aws_partition.p.partition}:${var.a}${local.b}")).toEqual([
      ["aws_s3_bucket", "b", "[0]", "arn"],
      ["data", "aws_partition", "p", "partition"],
      ["var", "a"],
      ["local", "b"],
    ]);
    expect(extractTraversals("${aws_sns_topic.t[*].arn} ${aws_sns_topic.u.*.arn}")).toEqual([
      ["aws_sns_topic", "t", "[*]", "arn"],
      ["aws_sns_topic", "u", "*", "arn"],
    ]);
  });

  it("looks inside function calls, nested strings and index expressions", () => {
    expect(
      extractTraversals('${element(aws_subnet.s[var.i].id, 0)} ${jsonencode({a = "${aws_kms_key.k.arn}", b = [for x in local.l : x.id]})}'),
    ).toEqual([
      ["aws_subnet", "s", "[var.i]", "id"],
      ["var", "i"],
      ["aws_kms_key", "k", "arn"],
      ["local", "l"],
    ]);
  });

  it("ignores literal text, escapes, function names and each/count/path/self", () => {
    expect(
      extractTraversals(
        "aws_sns_topic.t.arn $${var.x} ${upper(each.value)} ${count.index} ${path.module} ${provider::aws::arn_parse(self.arn)}",
      ),
    ).toEqual([]);
  });
});
