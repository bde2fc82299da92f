/**
 * A stand-in for the browser's fetch: answers each request with the next scripted reply and records what was sent,
 * so the dashboard's clients are tested without a server (this is the browser side; no database is involved).
 */
export interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Reply = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> } | Error;

export function fakeFetch(...replies: Reply[]): typeof fetch & { sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fake = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    sent.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    });
    const reply = replies.shift();
    if (!reply) throw new Error(`no reply scripted for request ${sent.length}: ${String(input)}`);
    if (reply instanceof Error) throw reply;
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "");
    return new Response(body, {
      status: reply.status ?? 200,
      headers: {
        "content-type": reply.json !== undefined ? "application/json" : "text/plain",
        ...reply.headers,
      },
    });
  };
  return Object.assign(fake as typeof fetch, { sent });
}

/** A Cognito answer with tokens; the refresh flow's answer has no refresh token. */
export function tokens(id: string, options: { refresh?: string; expiresIn?: number } = {}) {
  return {
    json: {
      AuthenticationResult: {
        IdToken: id,
        AccessToken: `access-${id}`,
        ...(options.refresh ? { RefreshToken: options.refresh } : {}),
        ExpiresIn: options.expiresIn ?? 3600,
        TokenType: "Bearer",
      },
    },
  };
}

/** A clock whose timers run only when the test moves time on. */
export function fakeClock(start = 0) {
  let now = start;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout: (run: () => void, ms: number) => {
      timers.set(next, { at: now + ms, run });
      return next++;
    },
    clearTimeout: (handle: unknown) => void timers.delete(handle as number),
    pending: () => [...timers.values()].map((timer) => timer.at),
    advance(ms: number) {
      now += ms;
      for (const [handle, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        timers.delete(handle);
        timer.run();
      }
    },
  };
}
