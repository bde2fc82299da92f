import { CognitoError, type AuthenticationResult, type CognitoClient } from "./cognito";

/**
 * The signed-in person's tokens, in memory only: a reload signs in again and nothing is written to storage or
 * cookies. The ID token is renewed with the refresh token a minute before it expires (or when the API answers 401).
 */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How long before expiry the ID token is renewed; at most half its life, for very short-lived tokens. */
export const RENEW_BEFORE_MS = 60_000;

export type SessionState = { signedIn: true } | { signedIn: false; reason?: string };

export class SignedOutError extends Error {
  override name = "SignedOutError";
}

interface Tokens {
  idToken: string;
  refreshToken: string;
  expiresAt: number;
}

export class Session {
  private tokens: Tokens | undefined;
  private renewal: unknown;
  private refreshing: Promise<void> | undefined;
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor(
    private readonly client: Pick<CognitoClient, "refresh">,
    private readonly clock: Clock = browserClock,
  ) {}

  get signedIn(): boolean {
    return this.tokens !== undefined;
  }

  onChange(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(result: AuthenticationResult): void {
    if (!result.RefreshToken) throw new CognitoError("UnexpectedAnswer", "Sign-in gave no refresh token.");
    this.keep(result, result.RefreshToken);
    this.emit({ signedIn: true });
  }

  /** The ID token to send, renewed first when it has expired (a timer may not have run in a sleeping tab). */
  async idToken(): Promise<string> {
    if (!this.tokens) throw new SignedOutError("Not signed in.");
    if (this.clock.now() >= this.tokens.expiresAt) await this.refresh();
    if (!this.tokens) throw new SignedOutError("Not signed in.");
    return this.tokens.idToken;
  }

  /** Renews the tokens; concurrent callers share one request. A refused refresh signs out. */
  refresh(): Promise<void> {
    this.refreshing ??= this.renew().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  signOut(reason?: string): void {
    const wasSignedIn = this.tokens !== undefined;
    this.tokens = undefined;
    if (this.renewal !== undefined) this.clock.clearTimeout(this.renewal);
    this.renewal = undefined;
    if (wasSignedIn) this.emit({ signedIn: false, reason });
  }

  private async renew(): Promise<void> {
    const tokens = this.tokens;
    if (!tokens) throw new SignedOutError("Not signed in.");
    try {
      const result = await this.client.refresh(tokens.refreshToken);
      if (this.tokens === tokens) this.keep(result, result.RefreshToken ?? tokens.refreshToken);
    } catch (error) {
      // A network failure leaves the session as it is (the next call tries again); a refusal ends it.
      if (error instanceof CognitoError && error.type === "NetworkError") throw error;
      if (this.tokens === tokens) this.signOut("Your session has ended. Please sign in again.");
      throw new SignedOutError("The session could not be renewed.");
    }
  }

  private keep(result: AuthenticationResult, refreshToken: string): void {
    const lifetime = result.ExpiresIn * 1000;
    this.tokens = { idToken: result.IdToken, refreshToken, expiresAt: this.clock.now() + lifetime };
    if (this.renewal !== undefined) this.clock.clearTimeout(this.renewal);
    const renewIn = Math.max(lifetime - Math.min(RENEW_BEFORE_MS, lifetime / 2), 0);
    this.renewal = this.clock.setTimeout(() => {
      this.renewal = undefined;
      this.refresh().catch(() => undefined);
    }, renewIn);
  }

  private emit(state: SessionState): void {
    for (const listener of this.listeners) listener(state);
  }
}
