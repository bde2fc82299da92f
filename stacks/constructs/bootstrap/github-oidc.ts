import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";

/** The issuer of GitHub Actions' OIDC tokens (and the prefix of their condition keys in IAM). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` requests (its `audience` input's default). */
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * The `sub` claim of a GitHub Actions token (GitHub's default subject format, no customization):
 * a job of a `pull_request` workflow run that names no `environment:`, or a job that runs in a
 * GitHub environment (the subject is then the environment whatever the trigger).
 */
export const githubSubject = {
  pullRequest: (repository: string) => `repo:${repository}:pull_request`,
  environment: (repository: string, environment: string) => `repo:${repository}:environment:${environment}`,
};

export interface GithubOidcProviderProps {
  /** Create the account's provider (`ci.createOidcProvider`), or look up the one another stack made. */
  create: boolean;
}

/**
 * The account's IAM OIDC identity provider for GitHub Actions: issuer
 * `https://token.actions.githubusercontent.com`, audience `sts.amazonaws.com`. IAM holds one per
 * issuer URL and account, so only one environment per account creates it and the others look it
 * up (the lookup fails the plan early, naming the provider, if it does not exist yet).
 *
 * No thumbprint: IAM verifies GitHub's tokens against its own trusted root CAs and ignores the
 * thumbprint list for this issuer (since mid-2023), and hashicorp/aws 5.100.0 makes
 * `thumbprint_list` optional (IAM then records the issuer's current intermediate CA itself).
 * Pinning one would only make the resource drift when GitHub rotates its certificate.
 */
export class GithubOidcProvider extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps) {
    super(scope, id);
    const url = `https://${GITHUB_OIDC_HOST}`;
    this.arn = props.create
      ? new IamOpenidConnectProvider(this, "provider", { url, clientIdList: [STS_AUDIENCE] }).arn
      : new DataAwsIamOpenidConnectProvider(this, "existing", { url }).arn;
  }
}
