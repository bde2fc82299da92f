/**
 * A local gateway with the Cognito stand-in on a free port, as `npm start` runs it: the port is
 * bound first, so the issuer (`http://127.0.0.1:<port>/local/cognito/local_people`) is the real one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../../../../functions/db/schema";
import { LocalCognito, type LocalCognitoOptions } from "../../../../tools/local/auth/cognito";
import { createGateway, type GatewayOptions } from "../../../../tools/local/gateway";

export interface PeopleServer {
  url: string;
  cognito: LocalCognito;
  /** The stand-in's key and users.json. */
  authDir: string;
  close(): Promise<void>;
}

export async function startPeopleServer(
  db: Kysely<Database>,
  options: {
    gateway?: Omit<GatewayOptions, "db" | "cognito">;
    cognito?: Partial<LocalCognitoOptions>;
    authDir?: string;
  } = {},
): Promise<PeopleServer> {
  const authDir = options.authDir ?? mkdtempSync(path.join(os.tmpdir(), "local-auth-"));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cognito = new LocalCognito({ baseUrl: url, dir: authDir, ...options.cognito });
  const gateway = createGateway({ db, cognito, ...options.gateway });
  server.on("request", (req, res) => gateway.emit("request", req, res));
  return {
    url,
    cognito,
    authDir,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (!options.authDir) rmSync(authDir, { recursive: true, force: true });
    },
  };
}

/** Cognito's InitiateAuth as the dashboard calls it (dashboard/src/lib/cognito.ts). */
export function initiateAuth(url: string, body: unknown, target = "InitiateAuth"): Promise<Response> {
  return fetch(`${url}/local/cognito/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
    },
    body: JSON.stringify(body),
  });
}

export interface Tokens {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: string;
}

/** Signs in with USER_PASSWORD_AUTH; fails the test unless it succeeds. */
export async function signIn(server: PeopleServer, email: string, password: string): Promise<Tokens> {
  const response = await initiateAuth(server.url, {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: server.cognito.clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  const body = (await response.json()) as { AuthenticationResult: Tokens };
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${JSON.stringify(body)}`);
  return body.AuthenticationResult;
}

/** A JWT's payload, unverified (to read the claims in a test). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
