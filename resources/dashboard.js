'use strict';
/**
 * The dashboard as static files: a private S3 bucket read only by CloudFront (origin access control, no public
 * access, no website endpoint), and one distribution that serves the app and sends `/api/*` and `/sso/*` to the
 * HTTP API, so the browser talks to one origin (no CORS) as it does on `npm start`. `npm run package` builds
 * the files into dist/dashboard; after a deploy, `aws s3 sync dist/dashboard s3://<DashboardBucketName>
 * --delete --cache-control no-cache` publishes them (README "Deploy").
 */
const { loadTs } = require('./lib');

/** AWS managed policies (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html). */
const MANAGED = {
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  // Every viewer header (Authorization, If-Match…), query string and cookie, but not Host: API Gateway routes by its own host name.
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
};

/** The paths the HTTP API owns behind the distribution. */
const API_PATHS = ['/api/*', '/sso/*'];

/** Same rule as shared/local/static.ts: a path without a file extension is an app route, answered with index.html. */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = '/index.html';
  return request;
}`;

/** Headers CloudFront adds to the app's files; the CSP is the local server's (one string, shared/local/static.ts). */
function securityHeaders() {
  const { DASHBOARD_HEADERS } = loadTs('shared/local/static.ts');
  return {
    ContentSecurityPolicy: { ContentSecurityPolicy: DASHBOARD_HEADERS['content-security-policy'], Override: true },
    ContentTypeOptions: { Override: true },
    FrameOptions: { FrameOption: 'DENY', Override: true },
    ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
  };
}

async function resources({ resolveVariable }) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const prefix = `${service}-${stage}`;
  const apiBehavior = (PathPattern) => ({
    PathPattern,
    TargetOriginId: 'api',
    ViewerProtocolPolicy: 'https-only',
    AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    CachedMethods: ['GET', 'HEAD'],
    CachePolicyId: MANAGED.cachingDisabled,
    OriginRequestPolicyId: MANAGED.allViewerExceptHostHeader,
    Compress: true,
  });
  return {
    Resources: {
      DashboardBucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        },
      },
      DashboardOriginAccessControl: {
        Type: 'AWS::CloudFront::OriginAccessControl',
        Properties: {
          OriginAccessControlConfig: { Name: `${prefix}-dashboard`, OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
        },
      },
      // Only this distribution may read the files (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
      DashboardBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'DashboardBucket' },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'cloudfront.amazonaws.com' },
                Action: 's3:GetObject',
                Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${DashboardBucket}/*' },
                Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${DashboardDistribution}' } } },
              },
            ],
          },
        },
      },
      DashboardSpaRewrite: {
        Type: 'AWS::CloudFront::Function',
        Properties: {
          Name: `${prefix}-dashboard-spa`,
          AutoPublish: true,
          FunctionCode: SPA_REWRITE,
          FunctionConfig: { Comment: 'App routes answer index.html', Runtime: 'cloudfront-js-2.0' },
        },
      },
      DashboardHeaders: {
        Type: 'AWS::CloudFront::ResponseHeadersPolicy',
        Properties: { ResponseHeadersPolicyConfig: { Name: `${prefix}-dashboard`, SecurityHeadersConfig: securityHeaders() } },
      },
      DashboardDistribution: {
        Type: 'AWS::CloudFront::Distribution',
        Properties: {
          DistributionConfig: {
            Enabled: true,
            Comment: `${prefix} dashboard and API`,
            HttpVersion: 'http2and3',
            PriceClass: 'PriceClass_100',
            DefaultRootObject: 'index.html',
            Origins: [
              {
                Id: 'dashboard',
                DomainName: { 'Fn::GetAtt': ['DashboardBucket', 'RegionalDomainName'] },
                OriginAccessControlId: { 'Fn::GetAtt': ['DashboardOriginAccessControl', 'Id'] },
                // OAC, not the legacy origin access identity.
                S3OriginConfig: { OriginAccessIdentity: '' },
              },
              {
                Id: 'api',
                DomainName: { 'Fn::Sub': '${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' },
                CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
              },
            ],
            DefaultCacheBehavior: {
              TargetOriginId: 'dashboard',
              ViewerProtocolPolicy: 'redirect-to-https',
              AllowedMethods: ['GET', 'HEAD'],
              CachedMethods: ['GET', 'HEAD'],
              CachePolicyId: MANAGED.cachingOptimized,
              ResponseHeadersPolicyId: { Ref: 'DashboardHeaders' },
              FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['DashboardSpaRewrite', 'FunctionARN'] } }],
              Compress: true,
            },
            CacheBehaviors: API_PATHS.map(apiBehavior),
          },
        },
      },
    },
    Outputs: {
      DashboardUrl: { Description: 'Open the dashboard here', Value: { 'Fn::Sub': 'https://${DashboardDistribution.DomainName}/' } },
      DashboardBucketName: { Description: 'Publish dist/dashboard here (aws s3 sync)', Value: { Ref: 'DashboardBucket' } },
    },
  };
}

module.exports = { resources, API_PATHS, SPA_REWRITE };
