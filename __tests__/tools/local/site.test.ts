/**
 * What the local server serves besides the API: the built dashboard, its config.json, the
 * OpenAPI document and Swagger UI, with the CloudFront policy's security headers, and nothing
 * outside the folders it serves from, however the path is spelled.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { createSite, DASHBOARD_CSP, DOCS_CSP, fileUnder, type DashboardConfig } from "../../../tools/local/site";
import { startPeopleServer, type PeopleServer } from "./auth/people-server";

const root = path.join(__dirname, "..", "..", "..");
const temp = mkdtempSync(path.join(os.tmpdir(), "site-"));
const dist = path.join(temp, "dist");
const swagger = path.join(temp, "swagger-ui-dist");
const config: DashboardConfig = {
  apiBase: "/api/v1",
  auth: { endpoint: "/local/cognito/", clientId: "local-dashboard", region: "local" },
  demo: { username: "demo@example.com", password: "demo-store-password" },
};

let handle: DatabaseHandle;
let server: PeopleServer;
let state: string | undefined;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(async () => {
  write(path.join(dist, "index.html"), "<!doctype html><title>Dashboard</title>");
  write(path.join(dist, "assets", "index-3f2a1b.js"), "console.log('app')");
  write(path.join(dist, "assets", "index-9c8d7e.css"), "body{}");
  write(path.join(dist, "favicon.svg"), "<svg/>");
  write(path.join(dist, ".env"), "SECRET=1");
  write(path.join(temp, "secret.txt"), "outside the dashboard");
  symlinkSync(path.join(temp, "secret.txt"), path.join(dist, "leak.txt"));
  write(path.join(swagger, "swagger-ui.css"), ".swagger-ui{}");
  write(path.join(swagger, "swagger-ui-bundle.js"), "window.SwaggerUIBundle=function(){}");
  write(path.join(swagger, "oauth2-redirect.html"), "<p>not served</p>");
  handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  const site = createSite({
    distDir: dist,
    config,
    openapiFile: path.join(root, "openapi.json"),
    swaggerUiDir: swagger,
    dashboardState: () => state,
  });
  server = await startPeopleServer(handle.db, { gateway: { site } });
});
afterAll(async () => {
  await server.close();
  await handle.db.destroy();
  rmSync(temp, { recursive: true, force: true });
});

/** A GET with the path sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(rawPath: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: rawPath, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

function expectSecurityHeaders(response: Response, csp = DASHBOARD_CSP): void {
  expect(response.headers.get("content-security-policy")).toBe(csp);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
}

describe("the dashboard", () => {
  it("serves index.html at /, revalidated on every load, under a CSP of this origin only", async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(await response.text()).toContain("<title>Dashboard</title>");
    expectSecurityHeaders(response);
    expect(DASHBOARD_CSP).toMatch(/^default-src 'self'; connect-src 'self'/);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe/);
  });

  it("serves its hashed assets with their content types, cached for good", async () => {
    const js = await fetch(`${server.url}/assets/index-3f2a1b.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const css = await fetch(`${server.url}/assets/index-9c8d7e.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const svg = await fetch(`${server.url}/favicon.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("cache-control")).toBe("no-cache");
    expectSecurityHeaders(svg);
  });

  it("answers HEAD like GET, without the body", async () => {
    const response = await fetch(`${server.url}/assets/index-3f2a1b.js`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String("console.log('app')".length));
    expect(await response.text()).toBe("");
  });

  it("says why there is no dashboard while it is being built, or is not", async () => {
    rmSync(path.join(dist, "index.html"));
    try {
      state = "the dashboard is being built (a few seconds)";
      const building = await fetch(`${server.url}/`);
      expect(building.status).toBe(503);
      expect(await building.text()).toContain("the dashboard is being built");
      state = undefined;
      const missing = await fetch(`${server.url}/`);
      expect(await missing.text()).toMatch(/the dashboard is not built .*npm run dashboard:build/);
      expectSecurityHeaders(missing);
    } finally {
      write(path.join(dist, "index.html"), "<!doctype html><title>Dashboard</title>");
    }
  });

  it("leaves unknown paths to the API's JSON 404", async () => {
    const response = await fetch(`${server.url}/nothing-here.js`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    expect((await fetch(`${server.url}/api/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${server.url}/`, { method: "POST" })).status).toBe(404);
  });
});

describe("no file outside the served folders", () => {
  it.each([
    "/../secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/%252e%252e/secret.txt",
    "/leak.txt",
    "/.env",
    "/assets/../.env",
    "/index.html%00.js",
    "/%E0%A4%A",
    "/docs/..%2f..%2fsecret.txt",
    "/docs/oauth2-redirect.html",
    "//etc/passwd",
    "/docs//etc/passwd",
  ])("%s is not served", async (rawPath) => {
    const response = await rawGet(rawPath);
    expect(response.body).not.toContain("outside the dashboard");
    expect(response.body).not.toContain("SECRET");
    expect(response.body).not.toContain("not served");
    expect(response.body).not.toContain("root:");
    expect([400, 404]).toContain(response.status);
  });

  it("fileUnder keeps every path it accepts inside the root", () => {
    expect(fileUnder("/srv/dist", "/assets/app.js")).toBe(path.join("/srv/dist", "assets", "app.js"));
    for (const bad of ["/", "/../x", "/a/%2e%2e/%2e%2e/x", "/.git/config", "/a%00b", "/a\\b", "/%ZZ"])
      expect({ bad, file: fileUnder("/srv/dist", bad) }).toEqual({ bad, file: undefined });
  });
});

describe("config.json, openapi.json and /docs", () => {
  it("config.json tells the app the API base, the sign-in endpoint and client, and the demo user", async () => {
    const response = await fetch(`${server.url}/config.json`);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual(config);
  });

  it("openapi.json is the project's document", async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string };
    expect(document.openapi).toBe("3.1.0");
  });

  it("/docs is Swagger UI from the package's files on this server, reading /openapi.json; no CDN", async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expectSecurityHeaders(page, DOCS_CSP);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources).toEqual([
      "/docs/swagger-ui.css",
      "/docs/favicon-32x32.png",
      "/docs/swagger-ui-bundle.js",
      "/docs/init.js",
    ]);
    expect(html).not.toMatch(/<script>/); // no inline script: the CSP forbids it
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toContain('url: "/openapi.json"');
    const bundle = await fetch(`${server.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await bundle.text()).toContain("SwaggerUIBundle");
    expect(DOCS_CSP).not.toMatch(/script-src[^;]*unsafe/);
  });

  it("the swagger-ui-dist package holds the files /docs serves", () => {
    for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"])
      expect({ file, present: existsSync(path.join(root, "node_modules", "swagger-ui-dist", file)) }).toEqual({
        file,
        present: true,
      });
  });
});
