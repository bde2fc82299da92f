import { sign } from "node:crypto";
import type { SigningKey } from "./signing-key";

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact JWS signed RS256, with the header Cognito writes (`kid`, `alg`; no `typ`). */
export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const signingInput = `${base64url({ kid: key.kid, alg: "RS256" })}.${base64url(payload)}`;
  const signature = sign("sha256", Buffer.from(signingInput), key.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}
