/** `/config.json`, written beside the app by whoever serves it (the local server, the web stack). */
export interface DashboardConfig {
  /** `/api/v1` or an absolute URL ending in it. */
  apiBase: string;
  auth: {
    /** Cognito's JSON API: `https://cognito-idp.<region>.amazonaws.com/`, or `/local/cognito/` locally. */
    endpoint: string;
    clientId: string;
    region: string;
  };
  /** The demo store's user, prefilled in the sign-in form (local and demo environments only). */
  demo?: { username: string; password: string };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(body: unknown): DashboardConfig {
  const config = body as Partial<DashboardConfig> | null;
  const auth = config?.auth;
  if (!isText(config?.apiBase)) throw new ConfigError("config.json has no apiBase");
  if (!auth || !isText(auth.endpoint) || !isText(auth.clientId) || !isText(auth.region))
    throw new ConfigError("config.json has no auth endpoint, clientId and region");
  const demo = config?.demo;
  return {
    apiBase: config.apiBase.replace(/\/+$/, ""),
    auth: { endpoint: auth.endpoint, clientId: auth.clientId, region: auth.region },
    ...(demo && isText(demo.username) && typeof demo.password === "string"
      ? { demo: { username: demo.username, password: demo.password } }
      : {}),
  };
}

export async function loadConfig(fetcher: typeof fetch, url = "/config.json"): Promise<DashboardConfig> {
  const response = await fetcher(url, { cache: "no-store" });
  if (!response.ok) throw new ConfigError(`config.json answered ${response.status}`);
  return parseConfig(await response.json());
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}
