import { createHash, randomBytes } from "node:crypto";

/** A new API key: 48 hex characters behind a recognisable prefix (API Gateway accepts 20 to 128). */
export function generateApiKey(): string {
  return `eak_${randomBytes(24).toString("hex")}`;
}

/** Keys are stored and looked up only by this hash. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** A key id for keys issued locally; in AWS the id is API Gateway's own key id. */
export function generateLocalKeyId(): string {
  return `key_${randomBytes(8).toString("hex")}`;
}
