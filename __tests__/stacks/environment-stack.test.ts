import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { App, Testing } from "cdktf";
import { environmentSettings, loadEnvironments } from "../../stacks/config";
import { join } from "node:path";
import { DataStack } from "../../stacks/data-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { NetworkStack } from "../../stacks/network-stack";

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
      default_tags: [
        {
          tags: {
            project: "ecommerce-analytics",
            environment: "prod",
            "managed-by": "cdktf",
            "cost-center": "analytics-prod",
          },
        },
      ],
    });
  });

  it("keeps state in a local file at an absolute path when no state bucket is configured", () => {
    expect(synthesized({}).json.terraform.backend).toEqual({
      local: { path: join(process.cwd(), "terraform-state", "terraform.network-prod.tfstate") },
    });
    expect(synthesized({ LOCAL_STATE_DIR: "/srv/state" }).json.terraform.backend).toEqual({
      local: { path: "/srv/state/terraform.network-prod.tfstate" },
    });
  });

  it("a downstream reads its upstream's local state at the same absolute path (each runs in its own folder)", () => {
    const outdir = mkdtempSync(join(tmpdir(), "state-paths-"));
    try {
      const app = new App({ outdir });
      const configs = loadEnvironments(environmentSettings({ LOCAL_STATE_DIR: "/srv/state" }));
      const network = new NetworkStack(app, configs.dev);
      new DataStack(app, configs.dev, network.outputs);
      app.synth();
      const read = (stack: string) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      const upstream = read("network-dev").terraform.backend.local.path;
      expect(upstream).toBe("/srv/state/terraform.network-dev.tfstate");
      expect(Object.values(read("data-dev").data.terraform_remote_state)).toEqual([
        expect.objectContaining({ backend: "local", config: { path: upstream } }),
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("keeps each environment's state in its own account's bucket: STATE_BUCKET_<ENV> before STATE_BUCKET", () => {
    const configs = loadEnvironments(
      environmentSettings({
        STATE_BUCKET: "shared-tf",
        STATE_BUCKET_PROD: "prod-tf",
        STATE_BUCKET_REGION_PROD: "eu-central-1",
      }),
    );
    expect(configs.prod.state).toMatchObject({ bucket: "prod-tf", region: "eu-central-1" });
    expect(configs.dev.state).toMatchObject({ bucket: "shared-tf", region: "eu-west-1" });
  });

  it("keeps state in S3 with native locking when STATE_BUCKET is set", () => {
    expect(synthesized({ STATE_BUCKET: "acme-tf-state" }).json.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tf-state",
        key: "ecommerce-analytics/prod/network-prod.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
});
