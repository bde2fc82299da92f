/**
 * The dashboard's response headers (CloudFront adds them to every answer, overriding whatever the
 * bucket would send). The Content-Security-Policy lets the page load only its own files and talk
 * only to itself, the API and Cognito's JSON API; nothing may frame it.
 */

export interface ConnectSources {
  /** The API's origin, `https://<id>.execute-api.<region>.amazonaws.com` (no path: CSP matches origins). */
  apiOrigin: string;
  /** Cognito's JSON API, `https://cognito-idp.<region>.amazonaws.com`. */
  cognitoOrigin: string;
}

/**
 * `script-src 'self'` and `style-src 'self'`: the build emits files only, no inline script or
 * `<style>` (styles set from script through the DOM, as charts do, are not restricted by CSP).
 */
export function contentSecurityPolicy({ apiOrigin, cognitoOrigin }: ConnectSources): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${apiOrigin} ${cognitoOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "upgrade-insecure-requests",
  ].join("; ");
}

/** Two years, subdomains included (what the HSTS preload list asks for). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** The dashboard sends no referrer anywhere: its URLs tell other sites nothing. */
export const REFERRER_POLICY = "no-referrer";
