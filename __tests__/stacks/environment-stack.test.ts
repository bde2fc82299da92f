import { Testing } from "cdktf";
import { environmentSettings, loadEnvironments } from "../../stacks/config";
import { EnvironmentStack } from "../../stacks/environment-stack";

/** Every stack's provider tags and state backend come from the environment config. */
function synthesized(env: NodeJS.ProcessEnv) {
  const config = loadEnvironments(environmentSettings(env)).prod;
  const stack = new EnvironmentStack(Testing.app(), "network", config);
  return { name: stack.node.id, json: JSON.parse(Testing.synth(stack)) };
}

describe("EnvironmentStack", () => {
  it("names the stack after its environment and tags everything through the provider", () => {
    const { name, json } = synthesized({});
    expect(name).toBe("network-prod");
    expect(json.provider.aws[0]).toEqual({
      region: "eu-west-1",
      default_tags: [{ tags: { project: "ecommerce-analytics", environment: "prod", "managed-by": "cdktf", "cost-center": "analytics-prod" } }],
    });
  });

  it("keeps state in a local file when no state bucket is configured", () => {
    expect(synthesized({}).json.terraform.backend).toEqual({ local: { path: "terraform.network-prod.tfstate" } });
  });

  it("keeps state in S3 with native locking when STATE_BUCKET is set", () => {
    expect(synthesized({ STATE_BUCKET: "acme-tf-state" }).json.terraform.backend).toEqual({
      s3: { bucket: "acme-tf-state", key: "ecommerce-analytics/prod/network-prod.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });
});
