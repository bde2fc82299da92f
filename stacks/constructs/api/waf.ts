/**
 * WAFv2 in front of the REST API stage: AWS's common, SQL-injection and known-bad-inputs rule
 * groups, a per-IP rate rule over a 60-second window, and logs (credentials redacted) to a KMS-
 * encrypted log group.
 *
 * Decisions:
 * - The rate rule blocks with a custom **429** and `Retry-After: 60` (plus CORS and a SPEC-shaped
 *   JSON body) rather than WAF's default 403: a client over the limit should back off, not
 *   conclude its key is bad. WAF answers it itself, before API Gateway, so the body cannot carry
 *   API Gateway's request id (WAF bodies are static): its `requestId` is empty.
 * - Managed-rule blocks keep WAF's plain block, which API Gateway turns into its WAF_FILTERED
 *   gateway response: SPEC's body with the real request id (rest-api.ts).
 * - The common rule set's SizeRestrictions_BODY (blocks bodies over 8 KB) only counts: ingestion
 *   batches are legitimately up to 1 MiB (500 orders), a limit the handlers enforce with a 413.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { CORS_HEADERS } from "../../../shared/cors-headers";

export interface ApiWafProps {
  /** Physical name prefix, e.g. `ecommerce-analytics-prod`. */
  prefix: string;
  /** Requests per 60-second window per client IP. */
  rateLimitPerIp: number;
  /** The API Gateway stage ARN to protect. */
  stageArn: string;
  logRetentionDays: number;
  logsKeyArn: string;
}

/** AWS managed rule groups, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  { name: "AWSManagedRulesCommonRuleSet", countOnly: ["SizeRestrictions_BODY"] },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", countOnly: [] },
  { name: "AWSManagedRulesSQLiRuleSet", countOnly: [] },
] as const;

export const RATE_LIMIT_BODY_KEY = "too-many-requests";
export const RATE_LIMIT_WINDOW_SECONDS = 60;

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

export class ApiWaf extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ApiWafProps) {
    super(scope, id);
    const { prefix } = props;
    const metric = (suffix: string) => `${prefix}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-");

    const rateRule = {
      name: "rate-limit-per-ip",
      priority: 0,
      action: {
        block: {
          customResponse: {
            responseCode: 429,
            customResponseBodyKey: RATE_LIMIT_BODY_KEY,
            responseHeader: [
              { name: "Retry-After", value: String(RATE_LIMIT_WINDOW_SECONDS) },
              ...Object.entries(CORS_HEADERS).map(([name, value]) => ({ name, value })),
            ],
          },
        },
      },
      // `statement` is untyped in the provider bindings: Terraform's own (snake_case) names.
      statement: {
        rate_based_statement: {
          limit: props.rateLimitPerIp,
          aggregate_key_type: "IP",
          evaluation_window_sec: RATE_LIMIT_WINDOW_SECONDS,
        },
      },
      visibilityConfig: visibility(metric("rate-limit-per-ip")),
    };

    const managedRules = MANAGED_RULE_GROUPS.map((group, index) => ({
      name: group.name,
      priority: 10 * (index + 1),
      overrideAction: { none: {} },
      statement: {
        managed_rule_group_statement: {
          vendor_name: "AWS",
          name: group.name,
          ...(group.countOnly.length > 0
            ? { rule_action_override: group.countOnly.map((name) => ({ name, action_to_use: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: visibility(metric(group.name)),
    }));

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name: `${prefix}-api`,
      description: "API Gateway: AWS managed common, known-bad-inputs and SQLi rules; per-IP rate limit",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      customResponseBody: [
        {
          key: RATE_LIMIT_BODY_KEY,
          contentType: "APPLICATION_JSON",
          content: JSON.stringify({
            error: {
              code: "TOO_MANY_REQUESTS",
              message: `Too many requests from this IP address; retry after ${RATE_LIMIT_WINDOW_SECONDS} seconds`,
              details: [],
            },
            requestId: "",
          }),
        },
      ],
      rule: [rateRule, ...managedRules],
      visibilityConfig: visibility(metric("web-acl")),
    });

    new Wafv2WebAclAssociation(this, "association", { resourceArn: props.stageArn, webAclArn: this.webAcl.arn });

    // WAF only delivers to log groups whose name starts with `aws-waf-logs-`.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `aws-waf-logs-${prefix}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      // The key is a credential: never in the logs (WAF wants the header name in lower case).
      // Both credentials: machines' keys and people's ID tokens (docs/sign-in.md).
      redactedFields: [{ singleHeader: { name: "x-api-key" } }, { singleHeader: { name: "authorization" } }],
    });
  }
}
