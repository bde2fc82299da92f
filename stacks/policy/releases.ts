import { entries, present, type Finding, type Rule } from "./types";

const RULE = "api-gateway-invokes-live-alias" as const;

/**
 * What is wrong with a Lambda invocation URI: undefined when it invokes an alias (an `aws_lambda_alias`'s
 * invoke_arn, or a literal qualified one other than $LATEST).
 */
export function lambdaUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== "string" || uri === "") return "no URI";
  if (/^\$\{aws_lambda_alias\.[^.}]+\.invoke_arn\}$/.test(uri)) return undefined;
  if (uri.includes("${")) return `invokes ${uri}, not a live alias's invoke_arn`;
  // A literal: `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`.
  const qualifier = /:function:[^:/]+(?::([^/]+))?\/invocations$/.exec(uri)?.[1];
  if (qualifier === undefined || qualifier === "$LATEST") return `invokes ${uri}, the unpublished $LATEST`;
  return undefined;
}

/** Whether an integration's URI is a Lambda's (a reference to a Lambda resource, or a literal Lambda path). */
const invokesLambda = (uri: unknown) =>
  typeof uri === "string" && (/\$\{aws_lambda_/.test(uri) || uri.includes(":lambda:path/"));

/**
 * (releases) API Gateway never invokes $LATEST: every Lambda integration and Lambda authorizer invokes an alias
 * (which CodeDeploy shifts between published versions, docs/releases.md); every permission API Gateway has to
 * invoke a function is qualified by an alias; no alias points at $LATEST.
 */
export const liveAliasRule: Rule = {
  id: RULE,
  description:
    "every Lambda integration and authorizer of API Gateway invokes an aws_lambda_alias (never $LATEST), " +
    "every aws_lambda_permission for apigateway.amazonaws.com has a qualifier, and no alias points at $LATEST",
  check(tf) {
    const findings: Finding[] = [];
    const flag = (address: string, message: string) => findings.push({ address, rule: RULE, message });
    for (const [address, integration] of entries(tf, "aws_api_gateway_integration")) {
      if (!["AWS_PROXY", "AWS"].includes(String(integration.type)) || !invokesLambda(integration.uri)) continue;
      const problem = lambdaUriProblem(integration.uri);
      if (problem) flag(address, problem);
    }
    for (const [address, authorizer] of entries(tf, "aws_api_gateway_authorizer")) {
      if (!present(authorizer.authorizer_uri)) continue;
      const problem = lambdaUriProblem(authorizer.authorizer_uri);
      if (problem) flag(address, problem);
    }
    for (const [address, permission] of entries(tf, "aws_lambda_permission")) {
      if (permission.principal !== "apigateway.amazonaws.com") continue;
      if (!present(permission.qualifier)) flag(address, "API Gateway may invoke the unqualified function ($LATEST)");
      else if (permission.qualifier === "$LATEST") flag(address, "qualifier is $LATEST");
    }
    for (const [address, alias] of entries(tf, "aws_lambda_alias")) {
      if (alias.function_version === "$LATEST") flag(address, "the alias points at $LATEST, not a published version");
    }
    return findings;
  },
};
