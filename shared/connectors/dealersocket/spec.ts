import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import { StarDataTypeSchema, type StarDataType } from '../star-spec';
import type { ConnectorSpec } from '../types';

/**
 * DealerSocket CRM (Solera). No public API reference: endpoints, keys and schemas come with the Certified
 * Partners program. What open-source code written against it shows (t2modus/dealersocket-client): STAR 5 XML
 * POSTed to https://api.dealersocket.com/api/DealerSocket/<Resource>, signed with an `Authentication:
 * <publicKey>:<base64 HMAC-SHA256(secretKey, body)>` header; customers found with `SearchEntity`
 * (GetCustomerInformation → ShowCustomerInformation); failures as `<Response><Success>false</Success>…`, even
 * with HTTP 200; the dealer addressed as DealerNumberID (`3250_0`). Leads reach a vendor by DealerSocket's
 * Lead Forwarding (pushed, not listed).
 */
export const DEALERSOCKET_DATA_TYPES: StarDataType[] = [
  {
    name: 'customers',
    path: '/SearchEntity',
    request: 'GetCustomerInformation',
    // Whether SearchEntity accepts a match-all criterion is not shown anywhere: set yours.
    criteria: { GetCustomerInformationDataArea: { CustomerInformation: { CustomerInformationDetail: { CustomerParty: { SpecifiedPerson: { FamilyName: '*' } } } } } },
    records: 'ShowCustomerInformation.ShowCustomerInformationDataArea.CustomerInformation',
    id: 'CustomerInformationDetail.CustomerParty.PartyID',
  },
];

export const DealerSocketConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ }).default('https://api.dealersocket.com/api/DealerSocket')),
    /** The partner public key, sent in the clear before the signature. */
    username: z.string().min(1).max(256),
    /** The partner secret key: signs each body (HMAC-SHA256), never sent. */
    secretKey: secret(z.string().min(1)),
    /** The dealer site, as DealerNumberID (e.g. 3250_0). */
    dealerId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    /** ApplicationArea/Sender CreatorNameCode and SenderNameCode. */
    senderName: z.string().min(1).max(64).default('Switchboard'),
    /** One request per data type (unverified defaults; see the catalog description). */
    dataTypes: z.array(StarDataTypeSchema).min(1).max(20).default(DEALERSOCKET_DATA_TYPES),
    lookbackMinutes: z.number().int().min(0).max(1440).default(60),
  }),
);
export type DealerSocketConfig = z.infer<typeof DealerSocketConfigSchema>;

export const dealersocketSpec = {
  type: 'dealersocket',
  title: 'DealerSocket',
  description:
    'Customers from DealerSocket CRM (STAR 5 XML signed with an HMAC Authentication header). Unverified against the vendor: resources, request documents and record paths are configuration with defaults taken from open-source client code; fill them from your DealerSocket partner kit.',
  configSchema: DealerSocketConfigSchema,
  dataTypes: (config: DealerSocketConfig) => config.dataTypes.map((t) => t.name),
  defaultDataTypes: DEALERSOCKET_DATA_TYPES.map((t) => t.name),
  // Not published; one request a second is a cautious default.
  rateLimit: { requests: 60, windowMs: 60_000 },
} satisfies ConnectorSpec<typeof DealerSocketConfigSchema>;
