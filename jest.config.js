/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  testMatch: ["**/__tests__/**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true }],
  },
  // Synthesizing many regions is CPU-bound; two workers match the 2-core CI machine.
  maxWorkers: 2,
  testTimeout: 60000,
};
