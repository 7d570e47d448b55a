/**
 * The GitHub Actions workflows cannot run here; this checks what can be checked offline: they
 * parse, have the keys GitHub requires, pin every action to a full commit SHA with its version
 * in a comment (the same SHA everywhere), grant least privilege, and keep per-stack concurrency.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../../scripts/summary/markdown";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Record<string, any>;

/** Actions allowed, with the commit each is pinned to (corroborated tag commits; see the README's CI section). */
const PINS: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" },
  "actions/setup-node": { sha: "49933ea5288caeca8642d1e84afbd3f7d6820020", version: "v4.4.0" },
  "actions/github-script": { sha: "60a0d83039c74a4aee543508d2ffcb1c3799cdea", version: "v7.0.1" },
  "hashicorp/setup-terraform": { sha: "b9cd54a3c349d3f38e8881555d616ced269862dd", version: "v3.1.2" },
  "aws-actions/configure-aws-credentials": { sha: "b47578312673ae6fa5b5096b330d9fbac3d116df", version: "v4.2.1" },
};

function steps(wf: Record<string, any>): Array<{ job: string; step: Record<string, any> }> {
  return Object.entries(wf.jobs as Record<string, any>).flatMap(([job, j]) =>
    (j.steps ?? []).map((step: Record<string, any>) => ({ job, step })),
  );
}

test("there are a pull-request and a deploy workflow", () => {
  expect(FILES.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
});

describe.each(FILES)("%s", (file) => {
  const wf = load(file);

  test("parses, with name, triggers, top-level read-only permissions and jobs that say where and how long they run", () => {
    expect(typeof wf.name).toBe("string");
    expect(wf.on).toBeDefined();
    expect(Object.keys(wf.on)).not.toContain("pull_request_target");
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs as Record<string, any>)) {
      expect([name, typeof job["runs-on"]]).toEqual([name, "string"]);
      expect([name, job["timeout-minutes"]]).toEqual([name, expect.any(Number)]);
      expect([name, Array.isArray(job.steps) && job.steps.length > 0]).toEqual([name, true]);
    }
  });

  test("every action is pinned to its full commit SHA with the version in a comment", () => {
    const lines = text(file).split("\n");
    const usesLines = lines.filter((l) => /^\s*(- )?uses:/.test(l));
    expect(usesLines.length).toBe(steps(wf).filter((s) => s.step.uses).length);
    for (const line of usesLines) {
      const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line.trim());
      expect([line.trim(), !!m]).toEqual([line.trim(), true]);
      expect(PINS[m![1]]).toEqual({ sha: m![2], version: m![3] });
    }
  });

  test("jobs ask only for the permissions they use: id-token only where an AWS role is assumed, pull-requests only to comment", () => {
    for (const [name, job] of Object.entries(wf.jobs as Record<string, any>)) {
      const perms: Record<string, string> = job.permissions ?? {};
      const uses = (job.steps as Array<Record<string, any>>).map((s) => String(s.uses ?? ""));
      for (const [scope, level] of Object.entries(perms)) {
        if (scope === "contents") expect([name, level]).toEqual([name, "read"]);
        else if (scope === "id-token")
          expect([name, uses.some((u) => u.startsWith("aws-actions/configure-aws-credentials@"))]).toEqual([name, true]);
        else if (scope === "pull-requests") expect([name, uses.every((u) => u.startsWith("actions/github-script@"))]).toEqual([name, true]);
        else throw new Error(`${file} ${name}: unexpected permission ${scope}: ${level}`);
      }
    }
  });

  test("no run step expands untrusted or matrix values inline (they go through env)", () => {
    for (const { job, step } of steps(wf)) {
      if (step.run)
        expect([job, String(step.run)]).toEqual([job, expect.not.stringMatching(/\$\{\{\s*(github\.event|matrix|needs|steps)\./)]);
    }
  });

  test("checkouts do not leave the token in .git/config", () => {
    for (const { step } of steps(wf).filter((s) => String(s.step.uses ?? "").startsWith("actions/checkout@"))) {
      expect(step.with?.["persist-credentials"]).toBe(false);
    }
  });
});

describe("pull-request.yml", () => {
  const wf = load("pull-request.yml");

  test("tests, summarizes against the base, and comments with the summary's marker, updating the previous comment", () => {
    const run = steps(wf)
      .map((s) => String(s.step.run ?? ""))
      .join("\n");
    expect(run).toContain("npm test");
    expect(run).toContain("npx cdktf synth --output cdktf.out");
    expect(run).toContain("npm run -s summary -- --out cdktf.out");
    expect(run).toContain("--against ../base.out");
    const script = String(wf.jobs.comment.steps[0].with.script);
    expect(script).toContain(`const marker = "${COMMENT_MARKER}";`);
    expect(script).toContain("updateComment");
    expect(wf.jobs.comment.steps.some((s: Record<string, any>) => String(s.uses ?? "").startsWith("actions/checkout@"))).toBe(false);
  });

  test("the comment script is valid JavaScript (github-script runs it as an async function body)", () => {
    const script = String(wf.jobs.comment.steps[0].with.script);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    expect(() => new AsyncFunction("github", "context", "core", "process", script)).not.toThrow();
  });

  test("the comment script updates the bot's previous summary comment, or creates one, and cuts a body over GitHub's limit", async () => {
    const script = String(wf.jobs.comment.steps[0].with.script);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    const run = async (existing: Array<{ id: number; user: { type: string }; body: string }>, summary: string) => {
      const calls: Array<[string, Record<string, unknown>]> = [];
      const github = {
        paginate: async () => existing,
        rest: {
          issues: {
            listComments: () => undefined,
            updateComment: async (a: Record<string, unknown>) => void calls.push(["update", a]),
            createComment: async (a: Record<string, unknown>) => void calls.push(["create", a]),
          },
        },
      };
      const context = {
        repo: { owner: "o", repo: "r" },
        payload: { pull_request: { number: 7 } },
        serverUrl: "https://github.com",
        runId: 1,
      };
      await new AsyncFunction("github", "context", "core", "process", script)(github, context, {}, { env: { SUMMARY: summary } });
      return calls;
    };
    const body = `${COMMENT_MARKER}\n# summary`;
    const human = { id: 1, user: { type: "User" }, body: `${COMMENT_MARKER} quoted by a person` };
    expect(await run([human], body)).toEqual([["create", { owner: "o", repo: "r", issue_number: 7, body }]]);
    expect(await run([human, { id: 2, user: { type: "Bot" }, body: `${COMMENT_MARKER}\nold` }], body)).toEqual([
      ["update", { owner: "o", repo: "r", comment_id: 2, body }],
    ]);
    const [[, long]] = await run([], body + "x".repeat(70000));
    expect(String(long.body).length).toBeLessThan(65536);
    expect(String(long.body)).toContain("https://github.com/o/r/actions/runs/1");
  });

  test("plans each stack with cdktf diff, only with an OIDC role or a Terraform Cloud token, one at a time per stack", () => {
    const plan = wf.jobs.plan;
    expect(plan.strategy.matrix.stack).toBe("${{ fromJSON(needs.summary.outputs.stacks) }}");
    expect(plan.concurrency.group).toContain("${{ matrix.stack }}");
    expect(plan.env.TF_TOKEN_app_terraform_io).toBe("${{ secrets.TF_API_TOKEN }}");
    const diff = plan.steps.find((s: Record<string, any>) => String(s.run ?? "").includes("cdktf diff"));
    expect(diff.run).toBe('npx cdktf diff "$STACK"');
    expect(diff.if).toBe("steps.creds.outputs.ok == 'true'");
    const aws = plan.steps.find((s: Record<string, any>) => String(s.uses ?? "").startsWith("aws-actions/"));
    expect(aws.with["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(Object.keys(aws.with)).not.toContain("aws-access-key-id");
  });

  test("a new push cancels the pull request's previous run", () => {
    expect(wf.concurrency).toEqual({ group: "pr-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");

  test("runs on main, deploys each stack through Terraform Cloud behind an environment, never cancelling an apply", () => {
    expect(wf.on.push.branches).toEqual(["main"]);
    const deploy = wf.jobs.deploy;
    expect(deploy.needs).toBe("test");
    expect(deploy.if).toBe("github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe("production");
    expect(deploy.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(deploy.env.TF_TOKEN_app_terraform_io).toBe("${{ secrets.TF_API_TOKEN }}");
    const runs = deploy.steps.map((s: Record<string, any>) => String(s.run ?? ""));
    const guard = runs.findIndex((r: string) => r.includes("s.terraform.cloud"));
    const apply = runs.findIndex((r: string) => r === 'npx cdktf deploy "$STACK" --auto-approve');
    expect(guard).toBeGreaterThan(-1);
    expect(apply).toBeGreaterThan(guard);
  });
});
