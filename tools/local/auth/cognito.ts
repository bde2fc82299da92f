/**
 * The local stand-in for the Cognito user pool the dashboard signs in to: Cognito's
 * `InitiateAuth` with the two flows the dashboard's app client allows (`USER_PASSWORD_AUTH`,
 * `REFRESH_TOKEN_AUTH`), Cognito's error types and messages, and ID and access tokens with
 * Cognito's claims, signed RS256 with the local key. The same `personTokenVerifier` as the Lambda
 * authorizer's checks them; only the issuer and its keys differ. docs/sign-in.md, "Locally".
 *
 * As in a pool whose user names are e-mail addresses, `cognito:username` is the user's generated
 * id (`sub`), not the e-mail. Refresh tokens are random strings kept in memory: a restart signs
 * everyone out, as revoking them would.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { personTokenVerifier, STORE_CLAIM, type PersonTokenVerifier } from "../../../functions/auth/person-token";
import { signJwt } from "./jwt";
import { loadSigningKey, type PublicJwk, type SigningKey } from "./signing-key";
import { LocalUsers, type LocalUser } from "./users";

export const LOCAL_POOL_ID = "local_people";
export const LOCAL_CLIENT_ID = "local-dashboard";
/** Where the stand-in answers Cognito's API (`https://cognito-idp.<region>.amazonaws.com/` in AWS). */
export const COGNITO_PATH = "/local/cognito/";
export const TOKEN_LIFETIME_S = 3600;
export const REFRESH_TOKEN_LIFETIME_MS = 30 * 86_400_000;

/** The flows Cognito knows (its enum); the dashboard's client allows two of them. */
const KNOWN_FLOWS = [
  "USER_SRP_AUTH",
  "REFRESH_TOKEN_AUTH",
  "REFRESH_TOKEN",
  "CUSTOM_AUTH",
  "ADMIN_NO_SRP_AUTH",
  "USER_PASSWORD_AUTH",
  "ADMIN_USER_PASSWORD_AUTH",
  "USER_AUTH",
];

/** A refusal as Cognito words it: `type` is its `__type` (NotAuthorizedException, ...). Always HTTP 400. */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const incorrect = () => new CognitoError("NotAuthorizedException", "Incorrect username or password.");
const invalidParameter = (message: string) => new CognitoError("InvalidParameterException", message);

export interface AuthenticationResult {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: "Bearer";
}

export interface InitiateAuthResponse {
  AuthenticationResult: AuthenticationResult;
  ChallengeParameters: Record<string, never>;
}

interface RefreshSession {
  sub: string;
  clientId: string;
  /** Seconds: the sign-in the refreshed tokens still date from (`auth_time`). */
  authTime: number;
  originJti: string;
  expiresAt: number;
}

export interface LocalCognitoOptions {
  /** The server's own address, e.g. `http://127.0.0.1:3000`: the issuer is under it. */
  baseUrl: string;
  /** Where the signing key and users.json are kept (`.local/auth`). */
  dir: string;
  poolId?: string;
  clientId?: string;
  /** Milliseconds clock of the tokens' times (tests). Default Date.now. */
  now?: () => number;
}

export class LocalCognito {
  readonly poolId: string;
  readonly clientId: string;
  /** `<baseUrl>/local/cognito/<pool>`, the tokens' `iss`, as `https://cognito-idp.<region>.amazonaws.com/<pool>`. */
  readonly issuer: string;
  readonly jwksPath: string;
  readonly users: LocalUsers;
  /** Checks an ID token as the Lambda authorizer does, with the keys at hand (nothing is fetched). */
  readonly verify: PersonTokenVerifier;
  private readonly key: SigningKey;
  private readonly now: () => number;
  private readonly refreshSessions = new Map<string, RefreshSession>();

  constructor(options: LocalCognitoOptions) {
    this.poolId = options.poolId ?? LOCAL_POOL_ID;
    this.clientId = options.clientId ?? LOCAL_CLIENT_ID;
    this.jwksPath = `${COGNITO_PATH}${this.poolId}/.well-known/jwks.json`;
    this.issuer = `${options.baseUrl.replace(/\/+$/, "")}${COGNITO_PATH}${this.poolId}`;
    this.users = new LocalUsers(options.dir);
    this.key = loadSigningKey(options.dir);
    this.now = options.now ?? Date.now;
    this.verify = personTokenVerifier({ issuer: this.issuer, clientId: this.clientId, jwks: this.key.jwks });
  }

  get jwks(): { keys: PublicJwk[] } {
    return this.key.jwks;
  }

  /** Cognito's `InitiateAuth`: the request body as the browser sends it; throws CognitoError for a refusal. */
  async initiateAuth(request: unknown): Promise<InitiateAuthResponse> {
    const { AuthFlow, ClientId, AuthParameters } = (request ?? {}) as Record<string, unknown>;
    const parameters = (AuthParameters ?? {}) as Record<string, unknown>;
    if (typeof ClientId !== "string")
      throw invalidParameter(
        "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
      );
    if (typeof AuthFlow !== "string" || !KNOWN_FLOWS.includes(AuthFlow))
      throw invalidParameter(
        `1 validation error detected: Value '${String(AuthFlow)}' at 'authFlow' failed to satisfy constraint: ` +
          `Member must satisfy enum value set: [${KNOWN_FLOWS.join(", ")}]`,
      );
    if (ClientId !== this.clientId)
      throw new CognitoError("ResourceNotFoundException", `User pool client ${ClientId} does not exist.`);
    const text = (name: string): string => {
      const value = parameters[name];
      if (typeof value !== "string" || value === "") throw invalidParameter(`Missing required parameter ${name}`);
      return value;
    };
    switch (AuthFlow) {
      case "USER_PASSWORD_AUTH":
        return this.signIn(text("USERNAME"), text("PASSWORD"));
      case "REFRESH_TOKEN_AUTH":
      case "REFRESH_TOKEN":
        return this.refresh(text("REFRESH_TOKEN"), ClientId);
      default:
        throw invalidParameter(`${AuthFlow} flow not enabled for this client`);
    }
  }

  /** Cognito's `RevokeToken`: the refresh token (and the tokens issued with it) stops refreshing. */
  revokeToken(request: unknown): Record<string, never> {
    const { Token, ClientId } = (request ?? {}) as Record<string, unknown>;
    if (typeof Token !== "string" || Token === "") throw invalidParameter("Missing required parameter Token");
    if (ClientId !== this.clientId)
      throw new CognitoError("ResourceNotFoundException", `User pool client ${String(ClientId)} does not exist.`);
    const session = this.refreshSessions.get(Token);
    if (session && session.clientId === ClientId) this.refreshSessions.delete(Token);
    return {};
  }

  private async signIn(username: string, password: string): Promise<InitiateAuthResponse> {
    const user = await this.users.authenticate(username, password);
    if (!user) throw incorrect();
    const authTime = Math.floor(this.now() / 1000);
    const originJti = randomUUID();
    const refreshToken = randomBytes(48).toString("base64url");
    this.pruneRefreshSessions();
    this.refreshSessions.set(refreshToken, {
      sub: user.sub,
      clientId: this.clientId,
      authTime,
      originJti,
      expiresAt: this.now() + REFRESH_TOKEN_LIFETIME_MS,
    });
    return {
      AuthenticationResult: { ...this.tokens(user, authTime, originJti), RefreshToken: refreshToken },
      ChallengeParameters: {},
    };
  }

  private async refresh(refreshToken: string, clientId: string): Promise<InitiateAuthResponse> {
    const session = this.refreshSessions.get(refreshToken);
    if (!session || session.clientId !== clientId)
      throw new CognitoError("NotAuthorizedException", "Invalid Refresh Token");
    if (session.expiresAt <= this.now()) {
      this.refreshSessions.delete(refreshToken);
      throw new CognitoError("NotAuthorizedException", "Refresh Token has expired");
    }
    // Read again: a user removed from users.json, or moved to another store, is so from the next refresh on.
    const user = this.users.findBySub(session.sub);
    if (!user) {
      this.refreshSessions.delete(refreshToken);
      throw new CognitoError("NotAuthorizedException", "Refresh Token has been revoked");
    }
    return { AuthenticationResult: this.tokens(user, session.authTime, session.originJti), ChallengeParameters: {} };
  }

  /** The ID and access tokens of one sign-in or refresh, with Cognito's claims. */
  private tokens(user: LocalUser, authTime: number, originJti: string): AuthenticationResult {
    const iat = Math.floor(this.now() / 1000);
    const common = {
      sub: user.sub,
      iss: this.issuer,
      origin_jti: originJti,
      event_id: randomUUID(),
      auth_time: authTime,
      iat,
      exp: iat + TOKEN_LIFETIME_S,
    };
    const idToken = signJwt(
      {
        ...common,
        email_verified: true,
        "cognito:username": user.sub,
        aud: this.clientId,
        token_use: "id",
        email: user.email,
        [STORE_CLAIM]: String(user.storeId),
        jti: randomUUID(),
      },
      this.key,
    );
    const accessToken = signJwt(
      {
        ...common,
        client_id: this.clientId,
        token_use: "access",
        scope: "aws.cognito.signin.user.admin",
        jti: randomUUID(),
        username: user.sub,
      },
      this.key,
    );
    return { IdToken: idToken, AccessToken: accessToken, ExpiresIn: TOKEN_LIFETIME_S, TokenType: "Bearer" };
  }

  private pruneRefreshSessions(): void {
    const now = this.now();
    for (const [token, session] of this.refreshSessions)
      if (session.expiresAt <= now) this.refreshSessions.delete(token);
  }
}
