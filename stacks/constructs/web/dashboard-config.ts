/**
 * `config.json` beside the dashboard's files: where the app finds the API and how it signs people
 * in. Written by Terraform from the api stack's outputs, so it always names this environment's
 * API and user pool; the deploy's upload of the built app leaves it alone.
 */
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { API_BASE_PATH } from "../../../shared/routes";

export const DASHBOARD_CONFIG_KEY = "config.json";

/** What the dashboard reads (dashboard/ and docs/sign-in.md); locally the dev server adds a demo user. */
export interface DashboardSettings {
  /** The API's base, absolute: the stage URL and `/api/v1`. */
  apiBase: string;
  auth: { endpoint: string; clientId: string; region: string };
}

export function dashboardSettings(props: {
  apiUrl: string;
  cognitoEndpoint: string;
  clientId: string;
  region: string;
}): DashboardSettings {
  return {
    apiBase: `${props.apiUrl}${API_BASE_PATH}`,
    auth: { endpoint: props.cognitoEndpoint, clientId: props.clientId, region: props.region },
  };
}

export class DashboardConfigFile extends Construct {
  readonly object: S3Object;

  constructor(scope: Construct, id: string, props: { bucket: string; settings: DashboardSettings }) {
    super(scope, id);
    this.object = new S3Object(this, "object", {
      bucket: props.bucket,
      key: DASHBOARD_CONFIG_KEY,
      content: Fn.jsonencode(props.settings),
      contentType: "application/json",
      // Read on every page load: a changed API or client takes effect without an invalidation.
      cacheControl: "no-cache",
    });
  }
}
