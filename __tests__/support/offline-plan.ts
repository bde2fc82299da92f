/**
 * What an offline `terraform plan` needs (__tests__/stacks/*-plan.test.ts): a loopback double for
 * the AWS provider's one call (STS GetCallerIdentity), an override file pointing every AWS
 * provider of a stack at it, and an environment with fake keys and nothing of the machine's own
 * AWS configuration (TOOLCHAIN.md).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** The account the double answers with. */
export const PLAN_ACCOUNT = "123456789012";

/** A loopback STS double answering GetCallerIdentity; every request is recorded. */
export async function startSts(requests: string[] = []): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const action = new URLSearchParams(body).get("Action") ?? "";
      requests.push(action);
      if (action !== "GetCallerIdentity") {
        res
          .writeHead(400, { "content-type": "text/xml" })
          .end(
            `<ErrorResponse><Error><Code>InvalidAction</Code>` +
              `<Message>${action} is not served by the test double</Message></Error></ErrorResponse>`,
          );
        return;
      }
      res
        .writeHead(200, { "content-type": "text/xml" })
        .end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
            `<Arn>arn:aws:iam::${PLAN_ACCOUNT}:user/plan</Arn><UserId>AIDAPLANTESTDOUBLE</UserId>` +
            `<Account>${PLAN_ACCOUNT}</Account></GetCallerIdentityResult>` +
            `<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>` +
            `</GetCallerIdentityResponse>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/**
 * Every AWS provider of a stack pointed at the double, for the test only (Terraform merges
 * `*_override.tf.json` over cdk.tf.json, matching provider blocks by alias): the default one and
 * any of another region (data-prod's `backup_region`), which would otherwise call the real STS.
 */
export const stsOverride = (port: number, stackJson: { provider?: { aws?: unknown } }) => {
  const providers = ([] as Record<string, unknown>[]).concat(
    (stackJson.provider?.aws ?? []) as Record<string, unknown>[],
  );
  const aliases = providers.map((p) => p.alias).filter((a): a is string => typeof a === "string");
  const settings = {
    endpoints: [{ sts: `http://127.0.0.1:${port}` }],
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
  return JSON.stringify({
    provider: { aws: [settings, ...aliases.map((alias) => ({ alias, ...settings }))] },
  });
};

/** Fake keys and nothing of the machine's own AWS configuration. */
export function offlineAwsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("AWS_")) delete env[key];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** Writes `sts_override.tf.json` beside every synthesized stack of `outdir`, pointing it at the double. */
export function pointStacksAtSts(outdir: string, sts: Server): void {
  const { port } = sts.address() as AddressInfo;
  for (const stack of readdirSync(join(outdir, "stacks"))) {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      provider?: { aws?: unknown };
    };
    writeFileSync(join(outdir, "stacks", stack, "sts_override.tf.json"), stsOverride(port, json));
  }
}

/** Stops the double, if it was started. */
export async function stopSts(sts: Server | undefined): Promise<void> {
  if (!sts) return;
  sts.closeAllConnections();
  await new Promise<void>((resolve) => sts.close(() => resolve()));
}
