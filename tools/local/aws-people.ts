/**
 * `npm run store -- add-user --env <env>`: the person is created in the environment's Cognito
 * user pool (`<prefix>-people`, found by name) with `AdminCreateUser`: their e-mail as user name,
 * marked verified, and their store in `custom:store_id`, which only an administrator can write.
 * Cognito e-mails them a temporary password, to be changed at their first sign-in; no password
 * passes through here.
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { userPoolName } from "../../shared/physical-names";
import { STORE_CLAIM } from "../../functions/auth/person-token";

export interface AwsPeopleOptions {
  /** Physical name prefix of the environment, e.g. `ecommerce-analytics-prod`. */
  prefix: string;
  cognito: Pick<CognitoIdentityProviderClient, "send">;
}

export interface CreatedPerson {
  userPoolId: string;
  /** Cognito's user name: the generated id, as in a pool whose user names are e-mail addresses. */
  username: string;
  sub?: string;
  /** FORCE_CHANGE_PASSWORD until the first sign-in. */
  status?: string;
}

/** The pool is missing or the user exists already: said plainly, exit 1. */
export class PeopleProvisioningError extends Error {}

export class AwsPeople {
  readonly userPoolName: string;

  constructor(private readonly options: AwsPeopleOptions) {
    this.userPoolName = userPoolName(options.prefix);
  }

  static forEnvironment(environment: { prefix: string; region: string }): AwsPeople {
    return new AwsPeople({
      prefix: environment.prefix,
      cognito: new CognitoIdentityProviderClient({ region: environment.region }),
    });
  }

  /** The pool's id, by its name (ListUserPools pages through at most 60 pools at a time). */
  async userPoolId(): Promise<string> {
    let nextToken: string | undefined;
    do {
      const page = await this.options.cognito.send(
        new ListUserPoolsCommand({ MaxResults: 60, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      const pool = page.UserPools?.find((candidate) => candidate.Name === this.userPoolName);
      if (pool?.Id) return pool.Id;
      nextToken = page.NextToken;
    } while (nextToken);
    throw new PeopleProvisioningError(
      `no Cognito user pool named ${this.userPoolName} in this account and region (is the environment deployed?)`,
    );
  }

  async createUser(input: { email: string; storeId: number }): Promise<CreatedPerson> {
    const userPoolId = await this.userPoolId();
    try {
      const { User } = await this.options.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: input.email,
          UserAttributes: [
            { Name: "email", Value: input.email },
            { Name: "email_verified", Value: "true" },
            { Name: STORE_CLAIM, Value: String(input.storeId) },
          ],
          DesiredDeliveryMediums: ["EMAIL"],
        }),
      );
      return {
        userPoolId,
        username: User?.Username ?? input.email,
        sub: User?.Attributes?.find((attribute) => attribute.Name === "sub")?.Value,
        status: User?.UserStatus,
      };
    } catch (error) {
      if ((error as { name?: string }).name === "UsernameExistsException")
        throw new PeopleProvisioningError(`a user ${input.email} exists already in ${this.userPoolName}`);
      throw error;
    }
  }
}
