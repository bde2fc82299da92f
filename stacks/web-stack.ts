import { TerraformOutput, Fn } from "cdktf";
import type { Construct } from "constructs";
import { siteBucketName } from "../shared/physical-names";
import type { EnvironmentConfig } from "./config";
import { accountContext } from "./constructs/compute/node-function";
import { DashboardConfigFile, dashboardSettings } from "./constructs/web/dashboard-config";
import { SiteDistribution } from "./constructs/web/distribution";
import { SiteBucket } from "./constructs/web/site-bucket";
import type { ApiOutputs, WebOutputs } from "./contracts";
import { EnvironmentStack } from "./environment-stack";

/**
 * `web-<env>`: the dashboard, static files in a private S3 bucket behind CloudFront (origin access
 * control, security headers), and its `config.json` naming the API and the people's user pool of
 * the api stack. Deployed after api; the deploy workflow then uploads the built app
 * (`dashboard/dist`) into the bucket and invalidates the distribution.
 */
export class WebStack extends EnvironmentStack {
  readonly outputs: WebOutputs;
  readonly site: SiteBucket;
  readonly distribution: SiteDistribution;
  readonly configFile: DashboardConfigFile;

  constructor(scope: Construct, config: EnvironmentConfig, api: Pick<ApiOutputs, "apiUrl" | "people">) {
    super(scope, "web", config);
    const { account } = accountContext(this);

    this.site = new SiteBucket(this, "site", {
      name: siteBucketName(this.prefix, account.accountId),
      forceDestroy: config.dashboard.forceDestroy,
    });
    this.distribution = new SiteDistribution(this, "site-distribution", {
      prefix: this.prefix,
      bucket: this.site.bucket,
      priceClass: config.dashboard.priceClass,
      connect: {
        // The stage URL without its path: a CSP source with a path would match that path only.
        apiOrigin: Fn.regex("^https://[^/]+", api.apiUrl),
        cognitoOrigin: api.people.endpoint.replace(/\/$/, ""),
      },
    });
    this.site.allowDistribution(this.distribution.distribution.arn);
    this.configFile = new DashboardConfigFile(this, "dashboard-config", {
      bucket: this.site.bucket.id,
      settings: dashboardSettings({
        apiUrl: api.apiUrl,
        cognitoEndpoint: api.people.endpoint,
        clientId: api.people.clientId,
        region: config.region,
      }),
    });

    const dashboardUrl = `https://${this.distribution.distribution.domainName}`;
    this.outputs = {
      dashboardUrl,
      siteBucketName: this.site.bucket.bucket,
      distributionId: this.distribution.distribution.id,
    };
    new TerraformOutput(this, "dashboard_url", { value: dashboardUrl, description: "The dashboard's address" });
    new TerraformOutput(this, "site_bucket", {
      value: this.site.bucket.bucket,
      description: "Where the deploy uploads dashboard/dist",
    });
    new TerraformOutput(this, "distribution_id", {
      value: this.distribution.distribution.id,
      description: "The distribution the deploy invalidates after an upload",
    });
  }
}
