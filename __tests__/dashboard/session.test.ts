import { CognitoClient } from "../../dashboard/src/lib/cognito";
import { RENEW_BEFORE_MS, Session, SignedOutError, type SessionState } from "../../dashboard/src/lib/session";
import { fakeClock, fakeFetch, tokens } from "./fake-fetch";

const signedIn = { IdToken: "id-1", AccessToken: "access-1", RefreshToken: "refresh-1", ExpiresIn: 3600 };

function session(...replies: Parameters<typeof fakeFetch>) {
  const fetch = fakeFetch(...replies);
  const clock = fakeClock(1_000_000);
  const states: SessionState[] = [];
  const held = new Session(new CognitoClient("/local/cognito/", "client-1", fetch), clock);
  held.onChange((state) => states.push(state));
  return { held, fetch, clock, states };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Session: tokens in memory, renewed before they expire", () => {
  it("renews the ID token a minute before it expires, keeping the refresh token", async () => {
    const { held, fetch, clock, states } = session(tokens("id-2"), tokens("id-3"));
    held.start(signedIn);
    expect(states).toEqual([{ signedIn: true }]);
    expect(await held.idToken()).toBe("id-1");
    expect(clock.pending()).toEqual([1_000_000 + 3_600_000 - RENEW_BEFORE_MS]);

    clock.advance(3_600_000 - RENEW_BEFORE_MS);
    await settle();
    expect(await held.idToken()).toBe("id-2");
    expect(fetch.sent[0].body).toMatchObject({ AuthParameters: { REFRESH_TOKEN: "refresh-1" } });

    clock.advance(3_600_000 - RENEW_BEFORE_MS);
    await settle();
    expect(await held.idToken()).toBe("id-3");
    expect(fetch.sent[1].body).toMatchObject({ AuthParameters: { REFRESH_TOKEN: "refresh-1" } });
  });

  it("renews an expired token before handing it out (a sleeping tab's timer never ran)", async () => {
    const { held, fetch, clock } = session(tokens("id-2"));
    held.start({ ...signedIn, ExpiresIn: 60 });
    clock.advance(61_000 - 30_000); // short-lived tokens renew at half their life: the timer has run
    await settle();
    expect(fetch.sent).toHaveLength(1);

    const late = session(tokens("id-late"));
    late.held.start(signedIn);
    late.clock.clearTimeout(1); // as if the timer had been throttled away
    late.clock.advance(3_600_001);
    expect(await late.held.idToken()).toBe("id-late");
  });

  it("shares one refresh between concurrent callers", async () => {
    const { held, fetch } = session(tokens("id-2"));
    held.start(signedIn);
    await Promise.all([held.refresh(), held.refresh(), held.refresh()]);
    expect(fetch.sent).toHaveLength(1);
    expect(await held.idToken()).toBe("id-2");
  });

  it("signs out when the refresh token is refused, and says why", async () => {
    const { held, states } = session({
      status: 400,
      json: { __type: "NotAuthorizedException", message: "Refresh Token has expired" },
    });
    held.start(signedIn);
    await expect(held.refresh()).rejects.toBeInstanceOf(SignedOutError);
    expect(held.signedIn).toBe(false);
    expect(states.at(-1)).toEqual({ signedIn: false, reason: expect.stringMatching(/sign in again/) });
    await expect(held.idToken()).rejects.toBeInstanceOf(SignedOutError);
  });

  it("stays signed in when the refresh only failed to reach Cognito", async () => {
    const { held } = session(new TypeError("Failed to fetch"), tokens("id-2"));
    held.start(signedIn);
    await expect(held.refresh()).rejects.toMatchObject({ type: "NetworkError" });
    expect(held.signedIn).toBe(true);
    await held.refresh();
    expect(await held.idToken()).toBe("id-2");
  });

  it("forgets the tokens and the renewal timer on sign-out", async () => {
    const { held, clock, states, fetch } = session();
    held.start(signedIn);
    held.signOut();
    expect(held.signedIn).toBe(false);
    expect(clock.pending()).toEqual([]);
    expect(states).toEqual([{ signedIn: true }, { signedIn: false, reason: undefined }]);
    clock.advance(7_200_000);
    expect(fetch.sent).toHaveLength(0);
  });
});
