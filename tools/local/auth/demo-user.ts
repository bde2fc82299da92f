/**
 * The demo store's person, whom `npm start` creates (or moves to the demo store of the database at
 * hand) and prints, and whom the local sign-in form offers. A fixed, documented password: it
 * opens nothing but the local demo store.
 */
export const DEMO_USER_EMAIL = "demo@example.com";
export const DEMO_USER_PASSWORD = "demo-store-password";
