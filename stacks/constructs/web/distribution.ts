/**
 * The dashboard's CloudFront distribution: HTTPS only (HTTP redirects), the private bucket as its
 * one origin through origin access control (SigV4-signed requests, no public bucket), `index.html`
 * at the root and for every path the bucket does not have (the app routes in the browser), and the
 * security headers of security-headers.ts on every answer.
 */
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Construct } from "constructs";
import type { DashboardConfig } from "../../config";
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, REFERRER_POLICY, type ConnectSources } from "./security-headers";

export interface SiteDistributionProps {
  prefix: string;
  bucket: S3Bucket;
  priceClass: DashboardConfig["priceClass"];
  connect: ConnectSources;
}

const ORIGIN_ID = "site-bucket";

/**
 * The bucket has no `s3:ListBucket` for CloudFront, so a file it lacks answers 403 (404 with list
 * rights): both become the app's `index.html`, which shows its own "not found" for unknown routes.
 */
export const SPA_FALLBACK_CODES = [403, 404];

export class SiteDistribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly originAccessControl: CloudfrontOriginAccessControl;
  readonly headersPolicy: CloudfrontResponseHeadersPolicy;
  readonly cachePolicy: CloudfrontCachePolicy;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    const { prefix } = props;

    this.originAccessControl = new CloudfrontOriginAccessControl(this, "origin-access-control", {
      name: `${prefix}-dashboard`,
      description: `${prefix} dashboard bucket, read by CloudFront only`,
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    this.headersPolicy = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: `${prefix}-dashboard-security-headers`,
      comment: "CSP, HSTS, no framing, no sniffing, no referrer",
      securityHeadersConfig: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connect), override: true },
        strictTransportSecurity: {
          accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: "DENY", override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: REFERRER_POLICY, override: true },
      },
    });

    // The files' own Cache-Control decides (the deploy uploads hashed assets as immutable, and
    // index.html and config.json as no-cache); an object without one is kept an hour.
    this.cachePolicy = new CloudfrontCachePolicy(this, "cache-policy", {
      name: `${prefix}-dashboard`,
      comment: "Static files: the origin's Cache-Control, compressed, nothing in the cache key but the path",
      minTtl: 0,
      defaultTtl: 3600,
      maxTtl: 31_536_000,
      parametersInCacheKeyAndForwardedToOrigin: {
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
        cookiesConfig: { cookieBehavior: "none" },
        headersConfig: { headerBehavior: "none" },
        queryStringsConfig: { queryStringBehavior: "none" },
      },
    });

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `${prefix} dashboard`,
      defaultRootObject: "index.html",
      priceClass: props.priceClass,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      origin: [
        {
          originId: ORIGIN_ID,
          domainName: props.bucket.bucketRegionalDomainName,
          originAccessControlId: this.originAccessControl.id,
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: ORIGIN_ID,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: this.cachePolicy.id,
        responseHeadersPolicyId: this.headersPolicy.id,
      },
      customErrorResponse: SPA_FALLBACK_CODES.map((errorCode) => ({
        errorCode,
        responseCode: 200,
        responsePagePath: "/index.html",
        errorCachingMinTtl: 0,
      })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      // The *.cloudfront.net name and certificate; a custom domain needs an ACM certificate in us-east-1.
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    });
  }
}
