import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Annotations, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "./config";
import { deployStatements, PERMISSION_GROUPS, type DeployScope } from "./constructs/bootstrap/deploy-permissions";
import { GithubOidcProvider, githubSubject } from "./constructs/bootstrap/github-oidc";
import { CI_DEPLOY_MAX_SESSION_SECONDS, GithubActionsRole } from "./constructs/bootstrap/github-role";
import { applyStateStatements, planStateStatements, type StateAccessProps } from "./constructs/bootstrap/state-access";
import { EnvironmentStack, stackName } from "./environment-stack";

/**
 * `bootstrap-<env>`: what GitHub Actions needs to reach the environment's account without stored
 * keys. Applied once per account (and again when the permissions change) by an admin with their
 * own credentials, before any workflow can run; CI never plans or applies it (the apply role is
 * denied every change to these roles and to this stack's state).
 *
 * - the account's GitHub OIDC provider (or a lookup of it: `ci.createOidcProvider`);
 * - `<prefix>-github-plan`, for pull requests of `ci.githubRepository` (`terraform plan` of
 *   every stack): AWS's ReadOnlyAccess, plus the environment's state, read-only but for the lock
 *   files S3-native locking writes;
 * - `<prefix>-github-apply`, for the deploy job in GitHub environment `ci.githubEnvironment`
 *   (`cdktf deploy`): ReadOnlyAccess, the environment's state, and the writes the five stacks'
 *   resource types need (stacks/constructs/bootstrap/deploy-permissions.ts).
 *
 * Outputs `plan_role_arn` and `apply_role_arn`: the workflows read them from the variables
 * `AWS_PLAN_ROLE_ARN_<ENV>` (repository level, one per environment: a plan job must not name a
 * GitHub environment, or its token's subject is that environment) and `AWS_APPLY_ROLE_ARN` (of the GitHub environment).
 */
export class BootstrapStack extends EnvironmentStack {
  readonly oidc: GithubOidcProvider;
  readonly planRole: GithubActionsRole;
  readonly applyRole: GithubActionsRole;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, "bootstrap", config);
    const { prefix } = this;
    const { ci, state } = config;
    const partition = new DataAwsPartition(this, "partition").partition;
    const aws: DeployScope = {
      partition,
      region: config.region,
      accountId: new DataAwsCallerIdentity(this, "account").accountId,
      prefix,
      backupRegion: config.database.backupReplication.enabled ? config.database.backupReplication.region : undefined,
    };

    this.oidc = new GithubOidcProvider(this, "github-oidc", { create: ci.createOidcProvider });
    this.planRole = new GithubActionsRole(this, "plan", {
      name: `${prefix}-github-plan`,
      description: `GitHub Actions: terraform plan of ${config.name} for pull requests of ${ci.githubRepository}`,
      providerArn: this.oidc.arn,
      subject: githubSubject.pullRequest(ci.githubRepository),
    });
    this.applyRole = new GithubActionsRole(this, "apply", {
      name: `${prefix}-github-apply`,
      description:
        `GitHub Actions: cdktf deploy of ${config.name} from ${ci.githubRepository}, ` +
        `environment ${ci.githubEnvironment}`,
      providerArn: this.oidc.arn,
      subject: githubSubject.environment(ci.githubRepository, ci.githubEnvironment),
      maxSessionSeconds: CI_DEPLOY_MAX_SESSION_SECONDS,
    });

    // Reads: Terraform refreshes every attribute of every resource, and both roles need that.
    const readOnly = `arn:${partition}:iam::aws:policy/ReadOnlyAccess`;
    for (const [id, { role }] of [
      ["plan", this.planRole],
      ["apply", this.applyRole],
    ] as const) {
      new IamRolePolicyAttachment(this, `${id}-read-only`, { role: role.name, policyArn: readOnly });
    }

    // Writes of the apply role, one managed policy per group (IAM caps one at 6,144 characters).
    for (const group of PERMISSION_GROUPS) {
      const document = new DataAwsIamPolicyDocument(this, `apply-${group}-document`, {
        statement: deployStatements(group, aws),
      });
      const policy = new IamPolicy(this, `apply-${group}`, {
        name: `${prefix}-github-apply-${group}`,
        description: `GitHub Actions deploy of ${config.name}: ${group} (derived from the stacks' resource types)`,
        policy: document.json,
      });
      new IamRolePolicyAttachment(this, `apply-${group}-attachment`, {
        role: this.applyRole.role.name,
        policyArn: policy.arn,
      });
    }

    // Terraform state of the environment's stacks.
    if (state.bucket) {
      const access: StateAccessProps = {
        partition,
        bucket: state.bucket,
        bucketRegion: state.region,
        keyPrefix: state.keyPrefix,
        environment: config.name,
        bootstrapStateKey: `${state.keyPrefix}/${config.name}/${stackName("bootstrap", config)}.tfstate`,
        kmsKeyArn: ci.stateKmsKeyArn,
      };
      this.statePolicy("plan", this.planRole, planStateStatements(access));
      this.statePolicy("apply", this.applyRole, applyStateStatements(access));
    } else {
      Annotations.of(this).addWarning(
        `${this.node.id}: no STATE_BUCKET, so the CI roles get no access to Terraform state; ` +
          "set STATE_BUCKET (as for every deploy) before applying this stack",
      );
    }

    new TerraformOutput(this, "plan_role_arn", {
      value: this.planRole.role.arn,
      // A repository-level variable: a job that runs in a GitHub environment gets that environment's
      // subject, which the plan role does not trust.
      description: "GitHub Actions role for pull request plans (repository variable AWS_PLAN_ROLE_ARN_<ENV>)",
    });
    new TerraformOutput(this, "apply_role_arn", {
      value: this.applyRole.role.arn,
      description:
        "GitHub Actions role for deploys: " +
        `the variable AWS_APPLY_ROLE_ARN of GitHub environment ${ci.githubEnvironment}`,
    });
  }

  private statePolicy(id: string, { role }: GithubActionsRole, statements: DataAwsIamPolicyDocumentStatement[]): void {
    const document = new DataAwsIamPolicyDocument(this, `${id}-state-document`, { statement: statements });
    new IamRolePolicy(this, `${id}-state`, {
      name: `${this.prefix}-github-${id}-state`,
      role: role.id,
      policy: document.json,
    });
  }
}
