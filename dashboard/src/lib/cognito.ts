/**
 * The sign-in service: Cognito's JSON API (`InitiateAuth`, `RespondToAuthChallenge`) called with fetch, so no AWS SDK
 * reaches the browser. Locally the same calls go to the local server's stand-in (`/local/cognito/`).
 */
export interface AuthenticationResult {
  IdToken: string;
  AccessToken: string;
  /** Absent from a refresh's answer: the refresh token stays the same. */
  RefreshToken?: string;
  /** Seconds the ID and access tokens live. */
  ExpiresIn: number;
}

export type ChallengeName = "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED";

export type SignInStep =
  | { kind: "signedIn"; result: AuthenticationResult }
  | { kind: "challenge"; challenge: ChallengeName; session: string; username: string };

/** Cognito's refusal (`__type` without its namespace, e.g. NotAuthorizedException), or an unreachable service. */
export class CognitoError extends Error {
  override name = "CognitoError";
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const SUPPORTED_CHALLENGES: readonly string[] = ["SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED"];

export class CognitoClient {
  constructor(
    private readonly endpoint: string,
    private readonly clientId: string,
    private readonly fetcher: typeof fetch,
  ) {}

  async signIn(username: string, password: string): Promise<SignInStep> {
    const answer = await this.call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: this.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return stepOf(answer, username);
  }

  /** Answers a challenge: the TOTP code for SOFTWARE_TOKEN_MFA, the new password for NEW_PASSWORD_REQUIRED. */
  async answer(step: Extract<SignInStep, { kind: "challenge" }>, response: string): Promise<SignInStep> {
    const key = step.challenge === "SOFTWARE_TOKEN_MFA" ? "SOFTWARE_TOKEN_MFA_CODE" : "NEW_PASSWORD";
    const answer = await this.call("RespondToAuthChallenge", {
      ChallengeName: step.challenge,
      ClientId: this.clientId,
      Session: step.session,
      ChallengeResponses: { USERNAME: step.username, [key]: response },
    });
    return stepOf(answer, step.username);
  }

  async refresh(refreshToken: string): Promise<AuthenticationResult> {
    const answer = await this.call("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: this.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    const step = stepOf(answer, "");
    if (step.kind !== "signedIn") throw new CognitoError("UnexpectedChallenge", "The session could not be renewed.");
    return step.result;
  }

  private async call(operation: string, body: object): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetcher(this.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
        },
        body: JSON.stringify(body),
      });
    } catch {
      throw new CognitoError("NetworkError", "The sign-in service cannot be reached. Check the connection and retry.");
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const type = String(answer.__type ?? `HTTP${response.status}`).replace(/^.*#/, "");
      const message = typeof answer.message === "string" ? answer.message : `Sign-in failed (${response.status}).`;
      throw new CognitoError(type, message);
    }
    return answer;
  }
}

function stepOf(answer: Record<string, unknown>, username: string): SignInStep {
  const result = answer.AuthenticationResult as AuthenticationResult | undefined;
  if (result?.IdToken && result.AccessToken) return { kind: "signedIn", result };
  const challenge = answer.ChallengeName;
  if (typeof challenge === "string" && typeof answer.Session === "string") {
    if (!SUPPORTED_CHALLENGES.includes(challenge))
      throw new CognitoError(
        "UnsupportedChallenge",
        `This account needs a step the dashboard cannot do (${challenge}).`,
      );
    // With e-mail sign-in Cognito answers the challenge under the user's own name, not the address typed.
    const parameters = (answer.ChallengeParameters ?? {}) as Record<string, unknown>;
    const user = typeof parameters.USER_ID_FOR_SRP === "string" ? parameters.USER_ID_FOR_SRP : username;
    return { kind: "challenge", challenge: challenge as ChallengeName, session: answer.Session, username: user };
  }
  throw new CognitoError("UnexpectedAnswer", "The sign-in service gave an answer the dashboard does not understand.");
}
