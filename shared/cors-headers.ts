/**
 * The CORS headers every response carries: the cors middleware adds them to the Lambda's
 * responses, the API Gateway stack puts the same on its own error responses, and the local
 * server on its preflight answers. Data only. `Authorization` carries a signed-in person's token:
 * the deployed dashboard calls the API from another origin (its CloudFront domain). `X-Consistency:
 * strong` asks a report to read from the writer (docs/read-replicas.md).
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Content-Type,X-Api-Key,Accept,Authorization,X-Consistency",
  "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
};
