import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";
import { GITHUB_OIDC_HOST, STS_AUDIENCE } from "./github-oidc";

/** A plan of one environment: one hour (IAM's default). */
export const CI_ROLE_MAX_SESSION_SECONDS = 3600;
/** A deploy: a first Multi-AZ database with its proxy can take most of an hour, so two. */
export const CI_DEPLOY_MAX_SESSION_SECONDS = 7200;

export interface GithubActionsRoleProps {
  /** Physical role name, e.g. `ecommerce-analytics-prod-github-plan`. */
  name: string;
  description: string;
  /** Longest session the role allows (default CI_ROLE_MAX_SESSION_SECONDS). */
  maxSessionSeconds?: number;
  /** ARN of the account's GitHub OIDC provider. */
  providerArn: string;
  /** The one token subject the role trusts, from `githubSubject` (exact match). */
  subject: string;
}

/**
 * A role that GitHub Actions assumes with its OIDC token (`sts:AssumeRoleWithWebIdentity`, what
 * `aws-actions/configure-aws-credentials` calls with `role-to-assume`): trusted only through the
 * account's GitHub provider, only for tokens issued to STS (`aud`) and only for one subject
 * (`sub`: this repository and either its pull requests or one GitHub environment). Both are
 * StringEquals: the subjects are exact, so no wildcard can widen them to other repositories,
 * branches or environments. Sessions last at most an hour.
 */
export class GithubActionsRole extends Construct {
  readonly role: IamRole;
  readonly trust: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: GithubActionsRoleProps) {
    super(scope, id);
    this.trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          sid: "GithubActionsOidc",
          effect: "Allow",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [props.providerArn] }],
          condition: [
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: [STS_AUDIENCE] },
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [props.subject] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: this.trust.json,
      maxSessionDuration: props.maxSessionSeconds ?? CI_ROLE_MAX_SESSION_SECONDS,
    });
  }
}
