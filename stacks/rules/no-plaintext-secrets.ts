import type { Rule, TerraformJson } from "./rule";

/** Slack webhooks and tokens belong in SSM, never in Terraform configuration (or its state). */
const SECRET = /hooks\.slack\.com\/services\/|xox[abposr]-[0-9A-Za-z-]{10,}/;

export const noPlaintextSecrets: Rule = {
  id: "TA-SEC1",
  description: "No Slack webhook URL or token appears anywhere in the configuration",
  check: (stack: TerraformJson) => {
    const found = SECRET.test(JSON.stringify(stack));
    return [
      {
        rule: "TA-SEC1",
        address: "(stack)",
        verdict: found ? "non-compliant" : "compliant",
        message: found ? "a Slack secret is in the configuration" : "no Slack secrets",
      },
    ];
  },
};
