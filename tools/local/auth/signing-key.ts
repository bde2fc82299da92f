/**
 * The local stand-in for Cognito signs its tokens with one RSA key pair (RS256, as Cognito's),
 * generated on first use and kept in `<dir>/signing-key.pem` (PKCS #8, mode 0600) so that tokens
 * stay valid across restarts. Its public half is the JWKS the local gateway verifies with.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export const SIGNING_KEY_FILE = "signing-key.pem";

/** A public key as a JSON Web Key, with what a verifier checks: `kid`, `alg`, `use`. */
export interface PublicJwk {
  kty: "RSA";
  n: string;
  e: string;
  kid: string;
  alg: "RS256";
  use: "sig";
}

export interface SigningKey {
  privateKey: KeyObject;
  /** The RFC 7638 thumbprint of the public key: the same key always has the same id. */
  kid: string;
  jwks: { keys: PublicJwk[] };
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const { n, e } = createPublicKey(privateKey).export({ format: "jwk" }) as { n: string; e: string };
  // RFC 7638: SHA-256 of the required members in lexicographic order, without white space.
  const kid = createHash("sha256")
    .update(JSON.stringify({ e, kty: "RSA", n }))
    .digest("base64url");
  return { privateKey, kid, jwks: { keys: [{ kty: "RSA", n, e, kid, alg: "RS256", use: "sig" }] } };
}

function readKey(file: string): SigningKey | undefined {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return signingKeyOf(createPrivateKey(pem));
}

/**
 * The key pair of `dir`, generated there on first use. Two servers starting at once agree on one
 * key: the file is created by a hard link from a complete temporary file, which fails when another
 * process got there first, and then that process's key is read.
 */
export function loadSigningKey(dir: string): SigningKey {
  const file = path.join(dir, SIGNING_KEY_FILE);
  const kept = readKey(file);
  if (kept) return kept;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  return readKey(file)!;
}
