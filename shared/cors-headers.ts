/**
 * The CORS headers every response carries: the cors middleware adds them to the Lambda's
 * responses, the API Gateway stack puts the same on its own error responses, and the local
 * server on its preflight answers. Data only.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Content-Type,X-Api-Key,Accept",
  "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
};
