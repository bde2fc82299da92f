import { App, Testing } from "cdktf";
import { ENVIRONMENT_NAMES, environmentSettings, loadEnvironments } from "../../stacks/config";
import { contentSecurityPolicy } from "../../stacks/constructs/web/security-headers";
import type { ApiOutputs } from "../../stacks/contracts";
import { checkStack, formatViolations } from "../../stacks/policy";
import { WebStack } from "../../stacks/web-stack";

/**
 * The `web-<env>` stack: the dashboard's files in a private bucket behind CloudFront with origin
 * access control and security headers, and the `config.json` that points the app at this
 * environment's API and user pool.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const configs = loadEnvironments(environmentSettings({}));
const api: Pick<ApiOutputs, "apiUrl" | "people"> = {
  apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1",
  people: {
    userPoolId: "eu-west-1_Pool",
    clientId: "dashboard-client",
    endpoint: "https://cognito-idp.eu-west-1.amazonaws.com/",
  },
};

const resourcesOf = (synth: Synth, type: string): Array<[string, Block]> => Object.entries(synth.resource[type] ?? {});
const only = (synth: Synth, type: string): [string, Block] => {
  const all = resourcesOf(synth, type);
  expect(all).toHaveLength(1);
  return all[0];
};
const reference = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

describe("the dashboard's Content-Security-Policy", () => {
  const csp = contentSecurityPolicy({
    apiOrigin: "https://abc123.execute-api.eu-west-1.amazonaws.com",
    cognitoOrigin: "https://cognito-idp.eu-west-1.amazonaws.com",
  });
  const directives = Object.fromEntries(
    csp.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1)]),
  );

  it("loads scripts, styles, fonts and images from the dashboard itself only", () => {
    expect(directives["default-src"]).toEqual(["'self'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["style-src"]).toEqual(["'self'"]);
    expect(directives["font-src"]).toEqual(["'self'"]);
    expect(directives["img-src"]).toEqual(["'self'", "data:"]);
  });

  it("connects to itself, the API and Cognito only", () => {
    expect(directives["connect-src"]).toEqual([
      "'self'",
      "https://abc123.execute-api.eu-west-1.amazonaws.com",
      "https://cognito-idp.eu-west-1.amazonaws.com",
    ]);
  });

  it("may not be framed, nor post forms, nor load plugins, nor change its base URL", () => {
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["form-action"]).toEqual(["'none'"]);
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["base-uri"]).toEqual(["'none'"]);
  });
});

describe.each(ENVIRONMENT_NAMES)("WebStack (%s)", (env) => {
  const config = configs[env];
  const prefix = `${config.project}-${config.name}`;
  let stack: WebStack;
  let synth: Synth;
  beforeAll(() => {
    const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
    stack = new WebStack(app, config, api);
    synth = JSON.parse(Testing.synth(stack)) as Synth;
  });
  const bucketName = () => only(synth, "aws_s3_bucket")[0];
  const bucketId = () => reference("aws_s3_bucket", bucketName(), "id");
  const forBucket = (type: string) => {
    const found = resourcesOf(synth, type).filter(([, r]) => r.bucket === bucketId());
    expect(found).toHaveLength(1);
    return found[0][1];
  };
  const distribution = () => only(synth, "aws_cloudfront_distribution");

  describe("the bucket", () => {
    it("is named for the environment and the account, and destroyable with its files in dev only", () => {
      const [, bucket] = only(synth, "aws_s3_bucket");
      expect(bucket.bucket).toMatch(
        new RegExp(`^${prefix}-dashboard-\\$\\{data\\.aws_caller_identity\\.[^.]+\\.account_id\\}$`),
      );
      expect(bucket.force_destroy).toBe(env === "dev");
    });

    it("blocks every kind of public access and takes ownership of every object", () => {
      expect(forBucket("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(forBucket("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    });

    it("encrypts at rest and keeps replaced files 30 days (versioned)", () => {
      expect(forBucket("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      expect(forBucket("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
      expect(forBucket("aws_s3_bucket_lifecycle_configuration").rule[0]).toMatchObject({
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      });
    });

    it("is reached over TLS only, and read by this distribution only", () => {
      const policy = forBucket("aws_s3_bucket_policy");
      const document = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policy.policy)![1];
      const statements = synth.data!.aws_iam_policy_document[document].statement as Block[];
      expect(statements).toEqual([
        expect.objectContaining({
          effect: "Deny",
          actions: ["s3:*"],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
        expect.objectContaining({
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          actions: ["s3:GetObject"],
          condition: [
            {
              test: "StringEquals",
              variable: "AWS:SourceArn",
              values: [reference("aws_cloudfront_distribution", distribution()[0], "arn")],
            },
          ],
        }),
      ]);
    });
  });

  describe("the distribution", () => {
    it("reads the bucket through origin access control, signing every request with SigV4", () => {
      const [oacName, oac] = only(synth, "aws_cloudfront_origin_access_control");
      expect(oac).toMatchObject({
        origin_access_control_origin_type: "s3",
        signing_behavior: "always",
        signing_protocol: "sigv4",
      });
      expect(distribution()[1].origin).toEqual([
        {
          origin_id: "site-bucket",
          domain_name: reference("aws_s3_bucket", bucketName(), "bucket_regional_domain_name"),
          origin_access_control_id: reference("aws_cloudfront_origin_access_control", oacName, "id"),
        },
      ]);
    });

    it("serves index.html at the root and for every path the bucket lacks (the app routes itself)", () => {
      expect(distribution()[1]).toMatchObject({
        enabled: true,
        default_root_object: "index.html",
        price_class: config.dashboard.priceClass,
        custom_error_response: [
          { error_code: 403, response_code: 200, response_page_path: "/index.html", error_caching_min_ttl: 0 },
          { error_code: 404, response_code: 200, response_page_path: "/index.html", error_caching_min_ttl: 0 },
        ],
      });
    });

    it("answers HTTPS only (HTTP redirects), GET and HEAD, compressed, with the security headers", () => {
      const [headersName] = only(synth, "aws_cloudfront_response_headers_policy");
      const [cacheName] = only(synth, "aws_cloudfront_cache_policy");
      expect(distribution()[1].default_cache_behavior).toMatchObject({
        viewer_protocol_policy: "redirect-to-https",
        allowed_methods: ["GET", "HEAD"],
        cached_methods: ["GET", "HEAD"],
        compress: true,
        response_headers_policy_id: reference("aws_cloudfront_response_headers_policy", headersName, "id"),
        cache_policy_id: reference("aws_cloudfront_cache_policy", cacheName, "id"),
      });
    });

    it("sends HSTS for two years, DENY framing, nosniff, no referrer and the CSP, over the bucket's headers", () => {
      const [, headers] = only(synth, "aws_cloudfront_response_headers_policy");
      const security = headers.security_headers_config;
      expect(security).toMatchObject({
        strict_transport_security: {
          access_control_max_age_sec: 63_072_000,
          include_subdomains: true,
          preload: true,
          override: true,
        },
        frame_options: { frame_option: "DENY", override: true },
        content_type_options: { override: true },
        referrer_policy: { referrer_policy: "no-referrer", override: true },
        content_security_policy: { override: true },
      });
      const csp = security.content_security_policy.content_security_policy as string;
      // The API's origin is cut from its stage URL by Terraform (the URL is the api stack's output).
      expect(csp).toContain(`connect-src 'self' \${regex("^https://[^/]+", `);
      expect(csp).toContain(`https://cognito-idp.${config.region}.amazonaws.com;`);
      expect(csp).toContain("frame-ancestors 'none'");
    });

    it("keys its cache on the path alone and follows the files' own Cache-Control", () => {
      const [, cache] = only(synth, "aws_cloudfront_cache_policy");
      expect(cache).toMatchObject({ min_ttl: 0, default_ttl: 3600, max_ttl: 31_536_000 });
      expect(cache.parameters_in_cache_key_and_forwarded_to_origin).toMatchObject({
        cookies_config: { cookie_behavior: "none" },
        headers_config: { header_behavior: "none" },
        query_strings_config: { query_string_behavior: "none" },
      });
    });
  });

  describe("config.json", () => {
    it("is written by Terraform beside the files, never cached, naming the API and the user pool's client", () => {
      const [, object] = only(synth, "aws_s3_object");
      expect(object).toMatchObject({
        bucket: bucketId(),
        key: "config.json",
        content_type: "application/json",
        cache_control: "no-cache",
      });
      const content = object.content as string;
      expect(content).toMatch(/^\$\{jsonencode\(/);
      expect(content).toContain("apiBase");
      expect(content).toContain("/api/v1");
      expect(content).toContain(`https://cognito-idp.${config.region}.amazonaws.com/`);
      expect(content).toContain(`"${config.region}"`);
      expect(content).not.toContain("demo");
    });
  });

  it("outputs what the deploy's upload needs: the bucket, the distribution, the dashboard's address", () => {
    expect(Object.keys(synth.output ?? {}).sort()).toEqual(["dashboard_url", "distribution_id", "site_bucket"]);
    expect(synth.output!.dashboard_url.value).toBe(
      `https://${reference("aws_cloudfront_distribution", distribution()[0], "domain_name")}`,
    );
    expect(stack.outputs.distributionId).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
  });

  it("passes every policy rule", () => {
    expect(formatViolations(checkStack(JSON.stringify(synth), `web-${env}`))).toBe("");
  });
});
