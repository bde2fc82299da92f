/**
 * The local stand-in's users: `<dir>/users.json` (mode 0600), one entry per person with their
 * e-mail, their stable id (`sub`), their store and a salted scrypt hash of the password, never
 * the password itself. Read on every sign-in, so a user added by `npm run store -- add-user`
 * signs in without a restart.
 */
import { randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export const USERS_FILE = "users.json";
export const MIN_PASSWORD_LENGTH = 12;
/** Cognito's own maximum. */
export const MAX_PASSWORD_LENGTH = 256;

interface PasswordHash {
  scheme: "scrypt";
  /** scrypt's cost parameters, kept with the hash so they can change without locking anyone out. */
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

export interface LocalUser {
  /** Lower case: e-mails are the user names, compared without regard to case (as Cognito's). */
  email: string;
  sub: string;
  storeId: number;
  password: PasswordHash;
  createdAt: string;
}

/** A new user's e-mail or password is not acceptable; `field` names which. */
export class UserInputError extends Error {
  constructor(
    readonly field: "email" | "password",
    message: string,
  ) {
    super(message);
  }
}

const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptHash(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const hash = await scryptHash(password, salt, SCRYPT);
  return { scheme: "scrypt", ...SCRYPT, salt: salt.toString("base64"), hash: hash.toString("base64") };
}

export async function passwordMatches(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, "base64");
  const actual = await scryptHash(password, Buffer.from(stored.salt, "base64"), {
    N: stored.N,
    r: stored.r,
    p: stored.p,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The user name as stored and looked up: trimmed, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Throws UserInputError unless `email` looks like an address (one @, a dot in the domain, no spaces). */
export function validateEmail(email: string): void {
  if (email.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email.trim()))
    throw new UserInputError("email", `"${email}" is not an e-mail address`);
}

/** The password policy: at least 12 characters (and at most Cognito's 256). */
export function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UserInputError("password", `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new UserInputError("password", `must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

export class LocalUsers {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, USERS_FILE);
  }

  list(): LocalUser[] {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    let parsed: { users?: LocalUser[] };
    try {
      parsed = JSON.parse(text) as { users?: LocalUser[] };
    } catch (error) {
      throw new Error(
        `${this.file} is not valid JSON (${(error as Error).message}): correct it, or delete it to start without users`,
        { cause: error },
      );
    }
    return Array.isArray(parsed?.users) ? parsed.users : [];
  }

  find(email: string): LocalUser | undefined {
    const wanted = normalizeEmail(email);
    return this.list().find((user) => user.email === wanted);
  }

  findBySub(sub: string): LocalUser | undefined {
    return this.list().find((user) => user.sub === sub);
  }

  /** The user whose e-mail and password these are, else undefined (unknown user or wrong password alike). */
  async authenticate(email: string, password: string): Promise<LocalUser | undefined> {
    const user = this.find(email);
    if (!user) {
      // As long as a wrong password takes: the answer time does not tell whether the user exists.
      await hashPassword(password);
      return undefined;
    }
    return (await passwordMatches(password, user.password)) ? user : undefined;
  }

  /** Adds a user; throws UserInputError for a bad e-mail or password, or an e-mail already taken. */
  async add(input: { email: string; password: string; storeId: number }): Promise<LocalUser> {
    validateEmail(input.email);
    validatePassword(input.password);
    if (this.find(input.email))
      throw new UserInputError("email", `a user ${normalizeEmail(input.email)} exists already`);
    const user: LocalUser = {
      email: normalizeEmail(input.email),
      sub: randomUUID(),
      storeId: input.storeId,
      password: await hashPassword(input.password),
      createdAt: new Date().toISOString(),
    };
    this.write([...this.list(), user]);
    return user;
  }

  /**
   * The user with this e-mail, in this store, with this password: added, or changed to match
   * (the demo user follows the demo store, whose id depends on the database). Keeps the `sub`.
   */
  async ensure(input: { email: string; password: string; storeId: number }): Promise<LocalUser> {
    const existing = this.find(input.email);
    if (!existing) return this.add(input);
    if (existing.storeId === input.storeId && (await passwordMatches(input.password, existing.password)))
      return existing;
    validatePassword(input.password);
    const updated = { ...existing, storeId: input.storeId, password: await hashPassword(input.password) };
    this.write(this.list().map((user) => (user.sub === existing.sub ? updated : user)));
    return updated;
  }

  /** Through a temporary file and a rename: a sign-in never reads half a file. */
  private write(users: LocalUser[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
