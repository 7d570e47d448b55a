import { BASE_YAML, synthYaml } from "../helpers/synth";

const MULTI = `${BASE_YAML}
accounts:
  - { name: prod, id: "111111111111" }
  - { name: dev, id: "222222222222" }
`;

function terraformBlocks(backendYaml: string) {
  const out = synthYaml(`${MULTI}\nbackend:\n${backendYaml}`);
  try {
    return Object.fromEntries(Object.entries(out.stacks).map(([name, s]) => [name, s.terraform]));
  } finally {
    out.cleanup();
  }
}

describe("state backends", () => {
  test("s3: encrypted, native lockfile, one key per stack, Terraform >= 1.10 for the lockfile", () => {
    const tf = terraformBlocks("  type: s3\n  s3: { bucket: my-tfstate, region: us-east-1, keyPrefix: threat-alerts }\n");
    expect(tf["acme-prod"].backend).toEqual({
      s3: { bucket: "my-tfstate", region: "us-east-1", key: "threat-alerts/acme-prod.tfstate", encrypt: true, use_lockfile: true },
    });
    expect(tf["acme-dev"].backend.s3.key).toBe("threat-alerts/acme-dev.tfstate");
    expect(tf["acme-prod"].required_version).toBe(">= 1.10.0");
  });

  test("s3 with a DynamoDB table locks with the table instead", () => {
    const tf = terraformBlocks("  type: s3\n  s3: { bucket: my-tfstate, region: eu-west-1, dynamodbTable: tf-locks }\n");
    expect(tf["acme-prod"].backend.s3).toEqual({
      bucket: "my-tfstate",
      region: "eu-west-1",
      key: "threat-alerts/acme-prod.tfstate",
      encrypt: true,
      dynamodb_table: "tf-locks",
    });
    expect(tf["acme-prod"].required_version).toBe(">= 1.5.7");
  });

  test("cloud: one Terraform Cloud workspace per stack, named prefix + stack", () => {
    const tf = terraformBlocks(
      "  type: cloud\n  cloud: { organization: my-org, workspacePrefix: threat-alerts-, hostname: tfe.example.com }\n",
    );
    expect(tf["acme-prod"].cloud).toEqual({
      organization: "my-org",
      hostname: "tfe.example.com",
      workspaces: { name: "threat-alerts-acme-prod" },
    });
    expect(tf["acme-dev"].cloud.workspaces.name).toBe("threat-alerts-acme-dev");
    expect(tf["acme-prod"].backend).toBeUndefined();
  });

  test("local is the default", () => {
    const out = synthYaml(MULTI);
    try {
      expect(out.stacks["acme-prod"].terraform.backend).toEqual({ local: { path: "../../../state/acme-prod.tfstate" } });
    } finally {
      out.cleanup();
    }
  });
});
