// typescript-eslint + prettier-compatible rules, one config for the app, the Lambda and the tests.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "cdktf.out.partial-*/", "coverage/", ".gen/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // The barrel loads all 390 MB of bindings: 10x slower synth and 8x the memory.
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@cdktf/provider-aws", message: "Import by deep path, e.g. @cdktf/provider-aws/lib/sns-topic." }],
        },
      ],
      // JSON and zod internals get a described shape instead; tests may poke at synthesized JSON.
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    files: ["scripts/**", "lambda-src/preview.ts", "__tests__/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["__tests__/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  { files: ["**/*.js", "**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
);
