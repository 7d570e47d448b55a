/**
 * Not locked in: a synthesized stack directory (cdk.tf.json + assets/) is a plain Terraform JSON
 * configuration that `terraform init && terraform plan` (or OpenTofu) runs without cdktf. This
 * checks its shape structurally: only Terraform JSON top-level blocks, no cdktf tokens left, no
 * cross-stack remote state, assets referenced by relative paths that exist beside the stack, and
 * the Terraform and provider constraints that `terraform init` needs.
 * https://developer.hashicorp.com/terraform/language/syntax/json
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";
import { synthYaml, type Synthesized } from "../helpers/synth";

/** Top-level keys Terraform's JSON syntax accepts ("//" is a comment). */
const TERRAFORM_JSON_KEYS = new Set([
  "//",
  "terraform",
  "provider",
  "resource",
  "data",
  "locals",
  "output",
  "variable",
  "module",
  "moved",
  "import",
  "check",
  "removed",
]);

const CONFIGS: Record<string, string> = {
  example: readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8"),
  "two accounts, trail, S3 state": `
project: acme
homeRegion: eu-west-1
regions: [eu-west-1, us-east-1]
accounts:
  - { name: prod, id: "111111111111", assumeRoleArn: "arn:aws:iam::111111111111:role/ThreatAlertsDeploy" }
  - { name: dev, id: "222222222222" }
notifications:
  emails: [security@example.com]
  slack: { webhookParameter: /threat-alerts/slack-webhook }
cloudtrail: { createTrail: true }
backend: { type: s3, s3: { bucket: my-tfstate, region: eu-west-1 } }
`,
};

/** Every string in a JSON value, with its path. */
function strings(value: unknown, path = "$"): Array<[string, string]> {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
}

describe.each(Object.keys(CONFIGS))("stack directories of the %s config", (name) => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthYaml(CONFIGS[name]);
  });
  afterAll(() => out.cleanup());

  test("use only Terraform JSON top-level blocks and no cdktf-only constructs", () => {
    for (const [stack, tf] of Object.entries(out.stacks)) {
      for (const key of Object.keys(tf)) expect([stack, key, TERRAFORM_JSON_KEYS.has(key)]).toEqual([stack, key, true]);
      // Cross-stack references would make the stack depend on another stack's state via cdktf.
      expect([stack, Object.keys(tf.data ?? {})]).toEqual([stack, expect.not.arrayContaining(["terraform_remote_state"])]);
      // Unresolved cdktf tokens would be literal garbage to Terraform.
      expect([stack, out.raw[stack]]).toEqual([stack, expect.not.stringMatching(/\$\{TfToken\[|\$\{Token\[|TOKEN\.\d+/)]);
    }
  });

  test("reference assets by relative paths that exist beside cdk.tf.json, and no absolute path of this machine", () => {
    let assets = 0;
    for (const [stack, tf] of Object.entries(out.stacks)) {
      const dir = join(out.outdir, "stacks", stack);
      for (const [path, value] of strings(tf)) {
        expect([stack, path, value.includes(out.outdir)]).toEqual([stack, path, false]);
        if (!/(^|\/)assets\//.test(value)) continue;
        assets++;
        expect([path, isAbsolute(value), normalize(value).startsWith("..")]).toEqual([path, false, false]);
        expect([path, existsSync(join(dir, value))]).toEqual([path, true]);
      }
    }
    expect(assets).toBeGreaterThan(0); // the notifier's zip
  });

  test("declare the Terraform version floor and each provider's source and exact version; every resource names a declared provider", () => {
    for (const [stack, tf] of Object.entries(out.stacks)) {
      expect([stack, tf.terraform.required_version]).toEqual([stack, expect.stringMatching(/^>= \d+\.\d+\.\d+$/)]);
      const required = tf.terraform.required_providers as Record<string, { source: string; version: string }>;
      for (const providerName of Object.keys(tf.provider)) {
        // "aws" is Terraform's short form of hashicorp/aws (registry.terraform.io, or OpenTofu's registry).
        expect([stack, required[providerName]]).toEqual([
          stack,
          { source: expect.stringMatching(/^(hashicorp\/)?aws$/), version: "6.25.0" },
        ]);
      }
      const aliases = new Set(Object.entries(tf.provider).flatMap(([p, list]) => list.map((c) => `${p}.${c.alias}`)));
      for (const kind of ["resource", "data"] as const) {
        for (const [type, byName] of Object.entries(tf[kind] ?? {})) {
          for (const [blockName, block] of Object.entries(byName))
            expect([type, blockName, aliases.has(block.provider)]).toEqual([type, blockName, true]);
        }
      }
    }
  });
});
