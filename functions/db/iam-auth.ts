import type { AuthPlugin } from "mysql2";

export interface TokenSource {
  token(): Promise<string>;
}

/** Tokens live 15 minutes; a fresh one is fetched after 10 so no connection races the expiry. */
export const TOKEN_REFRESH_MS = 10 * 60 * 1000;

export interface Signer {
  getAuthToken(): Promise<string>;
}

/** Caches an RDS IAM auth token and refreshes it before it expires; concurrent callers share one fetch. */
export class CachedTokenSource implements TokenSource {
  private current?: { value: string; fetchedAt: number };
  private inFlight?: Promise<string>;

  constructor(
    private readonly signer: Signer,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.current && this.now() - this.current.fetchedAt < TOKEN_REFRESH_MS) return this.current.value;
    this.inFlight ??= this.signer
      .getAuthToken()
      .then((value) => {
        this.current = { value, fetchedAt: this.now() };
        return value;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

/** mysql2's cleartext auth plugin, asking for the current token on every new connection (sent only over TLS). */
export function iamAuthPlugin(tokens: TokenSource): AuthPlugin {
  return () => async () => Buffer.from(`${await tokens.token()}\0`);
}
