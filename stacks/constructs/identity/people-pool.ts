/**
 * The dashboard's people (docs/sign-in.md): an Amazon Cognito user pool and the dashboard's
 * public app client. A person signs in with e-mail and password (and a TOTP code once they turned
 * MFA on) and gets an ID token whose `custom:store_id` names their store: an attribute only an
 * administrator writes, once, when creating the user (`npm run store -- add-user --env <env>`).
 */
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { Construct } from "constructs";
import { STORE_ATTRIBUTE } from "../../../shared/physical-names";
import type { PeopleConfig } from "../../config";

export interface PeoplePoolProps {
  /** The pool's name, `<prefix>-people` (shared/physical-names.ts). */
  name: string;
  region: string;
  people: PeopleConfig;
}

/** ID and access tokens live an hour (Cognito's default, and what the dashboard refreshes against). */
export const TOKEN_VALIDITY_MINUTES = 60;

/**
 * The flows of the dashboard's client: passwords sent to Cognito over TLS (what the dashboard and the
 * local stand-in speak), SRP for clients that prefer it, and refreshing with the refresh token.
 */
export const DASHBOARD_AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

export class PeoplePool extends Construct {
  readonly pool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the ID tokens' `iss`. */
  readonly issuer: string;
  /** Cognito's JSON API, which the dashboard calls for InitiateAuth. */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: PeoplePoolProps) {
    super(scope, id);
    const { people, region } = props;
    const mfa = people.mfa !== "OFF";

    this.pool = new CognitoUserPool(this, "pool", {
      name: props.name,
      // The e-mail address is the user name, compared without regard to case.
      usernameAttributes: ["email"],
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ["email"],
      // A changed address takes effect only once verified: until then the old one still signs in.
      userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ["email"] },
      // People are created by an administrator for their store; nobody signs up.
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      passwordPolicy: {
        minimumLength: people.passwordPolicy.minimumLength,
        requireLowercase: people.passwordPolicy.requireLowercase,
        requireUppercase: people.passwordPolicy.requireUppercase,
        requireNumbers: people.passwordPolicy.requireNumbers,
        requireSymbols: people.passwordPolicy.requireSymbols,
        temporaryPasswordValidityDays: people.passwordPolicy.temporaryPasswordValidityDays,
      },
      mfaConfiguration: people.mfa,
      ...(mfa ? { softwareTokenMfaConfiguration: { enabled: true } } : {}),
      accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
      schema: [
        {
          name: STORE_ATTRIBUTE,
          attributeDataType: "String",
          // Set once at creation: a person who moves to another store gets a new user.
          mutable: false,
          developerOnlyAttribute: false,
          required: false,
          stringAttributeConstraints: { minLength: "1", maxLength: "10" },
        },
      ],
      userPoolTier: people.featurePlan,
      userPoolAddOns: { advancedSecurityMode: people.threatProtection },
      deletionProtection: people.deletionProtection ? "ACTIVE" : "INACTIVE",
      // Cognito's own mail (a low daily quota): enough for the invitations and recovery codes of a
      // store's few people; SES is the way up if an environment ever needs more.
      emailConfiguration: { emailSendingAccount: "COGNITO_DEFAULT" },
    });

    this.client = new CognitoUserPoolClient(this, "dashboard-client", {
      name: "dashboard",
      userPoolId: this.pool.id,
      // A browser cannot keep a secret.
      generateSecret: false,
      explicitAuthFlows: DASHBOARD_AUTH_FLOWS,
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      idTokenValidity: TOKEN_VALIDITY_MINUTES,
      accessTokenValidity: TOKEN_VALIDITY_MINUTES,
      refreshTokenValidity: people.refreshTokenValidityDays,
      tokenValidityUnits: [{ idToken: "minutes", accessToken: "minutes", refreshToken: "days" }],
      // The store is in every ID token; the client may read it but never write it.
      readAttributes: ["email", "email_verified", "name", `custom:${STORE_ATTRIBUTE}`],
      writeAttributes: ["name"],
      supportedIdentityProviders: ["COGNITO"],
    });

    this.endpoint = `https://cognito-idp.${region}.amazonaws.com/`;
    this.issuer = `https://cognito-idp.${region}.amazonaws.com/${this.pool.id}`;
  }
}
