import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".local/", "coverage/", ".gen/", "dist/", "dashboard/dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // prettier wraps code at 120; this holds comments, strings and test names to the same width.
    // Frozen migrations keep their bytes: the migrations hash is taken over them (shared/migrations-hash.ts).
    ignores: ["functions/db/migrations/0*.ts"],
    rules: { "max-len": ["error", { code: 120, tabWidth: 2, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
  {
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
    languageOptions: {
      globals: { module: "writable", require: "readonly", process: "readonly", __dirname: "readonly" },
    },
  },
);
