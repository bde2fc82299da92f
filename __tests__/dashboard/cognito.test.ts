import { CognitoClient, CognitoError } from "../../dashboard/src/lib/cognito";
import { fakeFetch, tokens } from "./fake-fetch";

const ENDPOINT = "https://cognito-idp.eu-west-1.amazonaws.com/";

describe("CognitoClient: Cognito's JSON API over fetch", () => {
  it("signs in with USER_PASSWORD_AUTH and the app client's id", async () => {
    const fetch = fakeFetch(tokens("id-1", { refresh: "refresh-1" }));
    const step = await new CognitoClient(ENDPOINT, "client-1", fetch).signIn("ana@example.com", "pa55word!");
    expect(step).toEqual({
      kind: "signedIn",
      result: expect.objectContaining({ IdToken: "id-1", RefreshToken: "refresh-1", ExpiresIn: 3600 }),
    });
    expect(fetch.sent).toEqual([
      {
        url: ENDPOINT,
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
        },
        body: {
          AuthFlow: "USER_PASSWORD_AUTH",
          ClientId: "client-1",
          AuthParameters: { USERNAME: "ana@example.com", PASSWORD: "pa55word!" },
        },
      },
    ]);
  });

  it("answers a TOTP challenge under the user's own name (USER_ID_FOR_SRP), with the challenge's session", async () => {
    const fetch = fakeFetch(
      {
        json: {
          ChallengeName: "SOFTWARE_TOKEN_MFA",
          Session: "session-1",
          ChallengeParameters: { USER_ID_FOR_SRP: "8f1c-user" },
        },
      },
      tokens("id-2", { refresh: "refresh-2" }),
    );
    const client = new CognitoClient(ENDPOINT, "client-1", fetch);
    const challenge = await client.signIn("ana@example.com", "pa55word!");
    expect(challenge).toEqual({
      kind: "challenge",
      challenge: "SOFTWARE_TOKEN_MFA",
      session: "session-1",
      username: "8f1c-user",
    });
    if (challenge.kind !== "challenge") throw new Error("expected a challenge");
    const done = await client.answer(challenge, "123456");
    expect(done.kind).toBe("signedIn");
    expect(fetch.sent[1].headers["x-amz-target"]).toBe("AWSCognitoIdentityProviderService.RespondToAuthChallenge");
    expect(fetch.sent[1].body).toEqual({
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      ClientId: "client-1",
      Session: "session-1",
      ChallengeResponses: { USERNAME: "8f1c-user", SOFTWARE_TOKEN_MFA_CODE: "123456" },
    });
  });

  it("answers NEW_PASSWORD_REQUIRED with the new password", async () => {
    const fetch = fakeFetch(
      { json: { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "session-2", ChallengeParameters: {} } },
      tokens("id-3", { refresh: "refresh-3" }),
    );
    const client = new CognitoClient(ENDPOINT, "client-1", fetch);
    const challenge = await client.signIn("new@example.com", "Temp0rary!");
    if (challenge.kind !== "challenge") throw new Error("expected a challenge");
    expect(challenge.username).toBe("new@example.com");
    await client.answer(challenge, "A-longer-passw0rd");
    expect(fetch.sent[1].body).toMatchObject({
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ChallengeResponses: { USERNAME: "new@example.com", NEW_PASSWORD: "A-longer-passw0rd" },
    });
  });

  it("refreshes with REFRESH_TOKEN_AUTH", async () => {
    const fetch = fakeFetch(tokens("id-4"));
    const result = await new CognitoClient(ENDPOINT, "client-1", fetch).refresh("refresh-1");
    expect(result.IdToken).toBe("id-4");
    expect(result.RefreshToken).toBeUndefined();
    expect(fetch.sent[0].body).toEqual({
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: "client-1",
      AuthParameters: { REFRESH_TOKEN: "refresh-1" },
    });
  });

  it("turns Cognito's 400 bodies into CognitoErrors with the type and message", async () => {
    const client = new CognitoClient(
      ENDPOINT,
      "client-1",
      fakeFetch(
        { status: 400, json: { __type: "NotAuthorizedException", message: "Incorrect username or password." } },
        {
          status: 400,
          json: { __type: "com.amazonaws.cognito#CodeMismatchException", message: "Invalid code received for user" },
        },
        new TypeError("Failed to fetch"),
        { json: { ChallengeName: "MFA_SETUP", Session: "s" } },
      ),
    );
    await expect(client.signIn("ana@example.com", "wrong")).rejects.toEqual(
      new CognitoError("NotAuthorizedException", "Incorrect username or password."),
    );
    await expect(client.signIn("ana@example.com", "x")).rejects.toMatchObject({ type: "CodeMismatchException" });
    await expect(client.signIn("ana@example.com", "x")).rejects.toMatchObject({ type: "NetworkError" });
    await expect(client.signIn("ana@example.com", "x")).rejects.toMatchObject({ type: "UnsupportedChallenge" });
  });
});
