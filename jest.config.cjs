/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j|mj)s$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2023" }, module: { type: "commonjs" } },
    ],
  },
  // kysely, middy and hyparquet(-writer) ship ES modules only; jest's module runtime needs them as CommonJS.
  transformIgnorePatterns: ["/node_modules/(?!(kysely|@middy|hyparquet|hyparquet-writer)/)"],
  // @middy packages export only an "import" condition, which jest's CommonJS resolver does not read.
  moduleNameMapper: { "^@middy/([^/]+)$": "<rootDir>/node_modules/@middy/$1/index.js" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-cdktf.ts"],
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  testTimeout: 30000,
};
