import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { parseConfig } from "../../config/load";
import { AccountStack } from "../../stacks/account-stack";
import { buildApp } from "../../stacks/app";

const CONFIG = parseConfig(
  "project: acme\nhomeRegion: us-east-1\nregions: [us-east-1]\nnotifications: { emails: [security@example.com] }\n",
);

describe("every AWS resource names its provider", () => {
  let outdir: string;
  beforeEach(() => (outdir = mkdtempSync(join(tmpdir(), "threat-alerts-provider-"))));
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test("a resource without a provider fails the synth, naming the resource", () => {
    const app = buildApp(CONFIG, { outdir });
    const stack = app.node.children.find((c) => c instanceof AccountStack)!;
    new SnsTopic(stack, "stray", { name: "stray" });
    expect(() => app.synth()).toThrow(/\[acme\/stray\] aws_sns_topic has no provider/);
  });

  test("the stacks threat-alerts builds pass the check", () => {
    expect(() => buildApp(CONFIG, { outdir }).synth()).not.toThrow();
  });
});
