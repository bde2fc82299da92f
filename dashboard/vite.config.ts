import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The dashboard's build: `npm run dashboard:build` writes dashboard/dist (served at `/` by the local server and by
 * CloudFront); `npm run dashboard:dev` serves it with hot reload and hands the API, the sign-in stand-in, the docs
 * and config.json to the local server (`npm start`, port PORT or 3000).
 */
const localServer = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true },
  server: {
    proxy: Object.fromEntries(
      ["/api", "/local", "/docs", "/config.json", "/openapi.json"].map((path) => [path, localServer]),
    ),
  },
});
