/**
 * Every synthesized stack, for a spread of configs, against the real hashicorp/aws provider
 * schema: types and arguments exist, required ones are present, computed-only ones are not set,
 * blocks are well-formed, and every reference and provider alias resolves.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkAgainstSchema } from "../helpers/schema-check";
import { BASE_YAML, synthYaml } from "../helpers/synth";

const CONFIGS: Record<string, string> = {
  "the bundled example": readFileSync(join(__dirname, "..", "..", "threat-alerts.yaml"), "utf8"),
  "multi-account, regions all, s3 backend, every plan": `
project: acme
homeRegion: eu-central-1
regions: all
accounts:
  - { name: prod, id: "111111111111", assumeRoleArn: "arn:aws:iam::111111111111:role/ThreatAlertsDeploy" }
  - { name: dev, id: "222222222222" }
guardduty: { minSeverity: MEDIUM, features: { runtimeMonitoring: true, s3DataEvents: false } }
notifications:
  emails: [security@example.com, soc@example.com]
  chatbot: { slackTeamId: T0123ABCD, slackChannelId: C0123ABCD }
backend: { type: s3, s3: { bucket: my-tfstate, region: eu-central-1 } }
`,
  "terraform cloud backend": `${BASE_YAML}\nbackend: { type: cloud, cloud: { organization: my-org } }\n`,
};

describe.each(Object.entries(CONFIGS))("%s", (_name, yaml) => {
  test("every stack matches the provider schema", () => {
    const out = synthYaml(yaml);
    try {
      expect(Object.keys(out.stacks).length).toBeGreaterThan(0);
      for (const [stack, tf] of Object.entries(out.stacks)) {
        expect({ stack, problems: checkAgainstSchema(tf) }).toEqual({ stack, problems: [] });
      }
    } finally {
      out.cleanup();
    }
  });
});
