/**
 * What the local server answers outside the API, as CloudFront and the web stack do in AWS: the
 * dashboard's files (built into dashboard/dist), its `/config.json`, the OpenAPI document at
 * `/openapi.json` and Swagger UI at `/docs` (from the swagger-ui-dist package: nothing is loaded
 * from a CDN). Every answer carries the security headers of the CloudFront response headers
 * policy: a CSP that allows only this origin, `nosniff`, no framing, a strict referrer policy.
 */
import { realpath, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Reply, SiteRequest } from "./gateway";

/** `/config.json`: where the dashboard finds the API and the sign-in service (dashboard/src/lib/config.ts). */
export interface DashboardConfig {
  apiBase: string;
  auth: { endpoint: string; clientId: string; region: string };
  /** The demo store's user, prefilled in the sign-in form: locally only. */
  demo?: { username: string; password: string };
}

export interface SiteOptions {
  /** The built dashboard (index.html, assets/). */
  distDir: string;
  config: DashboardConfig;
  /** The project's openapi.json. */
  openapiFile: string;
  /** node_modules/swagger-ui-dist. */
  swaggerUiDir: string;
  /**
   * Why there is no dashboard to serve yet, when known (its build is running, or failed): said on
   * `/` instead of the app.
   */
  dashboardState?: () => string | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

const BASE_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];
/** The dashboard's: scripts and styles from this origin only. */
export const DASHBOARD_CSP = BASE_CSP.join("; ");
/** Swagger UI's: it sets inline styles (its own script stays external). */
export const DOCS_CSP = [...BASE_CSP, "style-src 'self' 'unsafe-inline'"].join("; ");

/** Vite's output under assets/ carries a content hash in its name: cached for good. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

/** Swagger UI's files this server hands out (the package holds more: its sample page, OAuth redirect). */
const SWAGGER_UI_FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", "favicon-16x16.png"];

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>E-commerce analytics API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** Outside the page, as the CSP wants no inline script. */
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

function reply(
  status: number,
  body: string | Buffer,
  contentType: string,
  options: { cache?: string; csp?: string } = {},
) {
  return {
    status,
    headers: {
      "Content-Type": contentType,
      "Cache-Control": options.cache ?? REVALIDATE,
      "Content-Security-Policy": options.csp ?? DASHBOARD_CSP,
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    },
    body,
  } satisfies Reply;
}

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The file under `root` that a URL path names, or undefined when it names none: a path that would
 * leave `root` (`..`, an encoded slash or backslash), a hidden file (`.env`), a NUL, bad escapes.
 */
export function fileUnder(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/").filter((segment) => segment !== "");
  if (segments.length === 0 || segments.some((segment) => segment.startsWith("."))) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  return file.startsWith(base + path.sep) ? file : undefined;
}

/** The bytes of a regular file that really is under `root` (a symbolic link out of it is not), else undefined. */
async function readUnder(root: string, file: string): Promise<Buffer | undefined> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot + path.sep) || !(await stat(realFile)).isFile()) return undefined;
    return await readFile(realFile);
  } catch {
    return undefined;
  }
}

async function serveFile(root: string, pathname: string, cache: (file: string) => string, csp?: string) {
  const file = fileUnder(root, pathname);
  const bytes = file === undefined ? undefined : await readUnder(root, file);
  return bytes === undefined || file === undefined
    ? undefined
    : reply(200, bytes, contentTypeOf(file), { cache: cache(file), csp });
}

function noDashboard(state: string | undefined, distDir: string): Reply {
  const why = state ?? `the dashboard is not built (no ${path.join(distDir, "index.html")})`;
  const page =
    `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>Dashboard</title></head>` +
    `<body><p>${why.replace(/[<>&]/g, "")}. Build it with <code>npm run dashboard:build</code> and reload; ` +
    `the API answers under /api/v1 meanwhile, and its documentation is at <a href="/docs">/docs</a>.</p></body></html>`;
  return reply(503, page, CONTENT_TYPES[".html"]!, { cache: "no-store" });
}

export function createSite(options: SiteOptions): (request: SiteRequest) => Promise<Reply | undefined> {
  const config = JSON.stringify(options.config);
  const assetsDir = path.join(path.resolve(options.distDir), "assets") + path.sep;
  const dashboardCache = (file: string) => (file.startsWith(assetsDir) ? IMMUTABLE : REVALIDATE);

  return async ({ method, pathname }) => {
    if (method !== "GET" && method !== "HEAD") return undefined;
    switch (pathname) {
      case "/config.json":
        return reply(200, config, CONTENT_TYPES[".json"]!, { cache: "no-store" });
      case "/openapi.json": {
        const document = await readFile(options.openapiFile).catch(() => undefined);
        return document === undefined ? undefined : reply(200, document, CONTENT_TYPES[".json"]!);
      }
      case "/docs":
      case "/docs/":
        return reply(200, DOCS_PAGE, CONTENT_TYPES[".html"]!, { csp: DOCS_CSP });
      case "/docs/init.js":
        return reply(200, DOCS_INIT, CONTENT_TYPES[".js"]!, { csp: DOCS_CSP });
      case "/":
      case "/index.html":
        return (
          (await serveFile(options.distDir, "/index.html", dashboardCache)) ??
          noDashboard(options.dashboardState?.(), options.distDir)
        );
    }
    if (pathname.startsWith("/docs/")) {
      const name = pathname.slice("/docs/".length);
      if (!SWAGGER_UI_FILES.includes(name)) return undefined;
      return serveFile(options.swaggerUiDir, `/${name}`, () => REVALIDATE, DOCS_CSP);
    }
    return serveFile(options.distDir, pathname, dashboardCache);
  };
}
