/**
 * Folder layering: detection/ (pure data and rules) sits below config/ and stacks/; config/ never
 * reaches into stacks/. An import cycle between folders is what this prevents: config/ used to
 * import the alarm catalogue from stacks/, which imported config/ back.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(__dirname, "..");

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Each import of a file: the top folder of a relative import, or the package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)|require\("([^"]+)"\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specs.map((s) => (s.startsWith(".") ? relative(ROOT, resolve(ROOT, dirname(file), s)).split("/")[0]! : s));
}

const LAYERS: Record<string, { mayImport: RegExp }> = {
  // Pure: no framework, no config, no stacks; small libraries only.
  detection: { mayImport: /^(detection|ipaddr\.js|node:.*)$/ },
  config: { mayImport: /^(config|detection|zod|yaml|fastest-levenshtein|node:.*)$/ },
};

describe.each(Object.keys(LAYERS))("%s/", (folder) => {
  test.each(tsFiles(folder))("%s imports only from the layers below", (file) => {
    const outside = importsOf(file).filter((i) => !LAYERS[folder]!.mayImport.test(i));
    expect(outside).toEqual([]);
  });
});

test("the import scan sees relative imports by folder (a check that can fail)", () => {
  expect(importsOf("stacks/account-stack.ts")).toEqual(expect.arrayContaining(["config", "detection", "stacks", "cdktf"]));
});
