import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { ApiStack } from "../../stacks/api-stack";
import { environmentSettings, loadEnvironments } from "../../stacks/config";
import { SmokeTestSecret, smokeSecretName } from "../../stacks/constructs/api/smoke-secret";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/**
 * `<prefix>-smoke-test`: the secret the deploy's smoke-key step keeps the smoke store's key in.
 * Terraform creates the secret only; its value is never in the configuration or the state.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const DATABASE_KEY = dataOutputs.databaseKeyArn;

describe("SmokeTestSecret", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "smoke-secret-test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new SmokeTestSecret(stack, "smoke-secret", { prefix: "ecommerce-analytics-dev", kmsKeyArn: DATABASE_KEY });
  const synth = JSON.parse(Testing.synth(stack)) as Synth;

  it("is one secret named <prefix>-smoke-test, encrypted with the given key, deleted without a recovery window", () => {
    const secrets = Object.values(synth.resource.aws_secretsmanager_secret ?? {});
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatchObject({
      name: "ecommerce-analytics-dev-smoke-test",
      kms_key_id: DATABASE_KEY,
      recovery_window_in_days: 0,
    });
    expect(smokeSecretName("ecommerce-analytics-dev")).toBe("ecommerce-analytics-dev-smoke-test");
  });

  it("holds no value in Terraform", () => {
    expect(synth.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(Object.keys(synth.resource)).toEqual(["aws_secretsmanager_secret"]);
  });
});

describe("the api stack's smoke-test secret", () => {
  const config = loadEnvironments(environmentSettings({})).dev;
  let synth: Synth;
  beforeAll(() => {
    const stack = new ApiStack(
      new App({ outdir: Testing.app().outdir, stackTraces: false }),
      config,
      networkOutputs,
      dataOutputs,
    );
    synth = JSON.parse(Testing.synth(stack)) as Synth;
  }, 120_000);

  it("is encrypted with the database key the data stack hands over", () => {
    const [[address, secret]] = Object.entries(synth.resource.aws_secretsmanager_secret ?? {}).filter(
      ([, s]) => s.name === "ecommerce-analytics-dev-smoke-test",
    );
    expect(address).toBeDefined();
    expect(secret.kms_key_id).toBe(DATABASE_KEY);
    expect(synth.resource.aws_secretsmanager_secret_version).toBeUndefined();
  });

  it("outputs its ARN as smoke_secret_arn, for the deploy workflow", () => {
    const [address] = Object.entries(synth.resource.aws_secretsmanager_secret).find(
      ([, s]) => s.name === "ecommerce-analytics-dev-smoke-test",
    )!;
    expect(synth.output?.smoke_secret_arn.value).toBe(`\${aws_secretsmanager_secret.${address}.arn}`);
    expect(synth.output?.smoke_secret_arn.sensitive).toBeUndefined();
  });
});
