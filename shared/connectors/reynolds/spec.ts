import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import { StarDataTypeSchema, type StarDataType } from '../star-spec';
import type { ConnectorSpec } from '../types';

/**
 * Reynolds & Reynolds RCI (Reynolds Certified Interface). Reynolds publishes no API reference: endpoints and
 * one interface specification per transaction come in the vendor's Welcome Kit. What third-party code shows
 * (bakaphp/kanvas-ecosystem-api): SOAP 1.1 POST to a vendor-specific `…/Sync/RCI/<VendorTag>/Receive.ashx`,
 * WS-Security UsernameToken, a STAR transport `ProcessMessage` whose payload is one `rey_…` document in
 * http://www.starstandards.org/STAR with an ApplicationArea addressing the dealer, and a `Status`
 * `Success|Failure` with a `StatusCode` in the answer, even with HTTP 200. The read transactions below are
 * placeholders named in that style: set `dataTypes` from your interface specifications.
 */
export const REYNOLDS_DATA_TYPES: StarDataType[] = [
  { name: 'customers', path: '', request: 'rey_CustomerInquiryRequest', records: '*.Customer', id: 'CustomerId', updated: 'LastUpdateDate', since: 'ModifiedSince' },
  { name: 'vehicles', path: '', request: 'rey_VehicleInquiryRequest', records: '*.Vehicle', id: 'Vin', updated: 'LastUpdateDate', since: 'ModifiedSince' },
  {
    name: 'service_appointments',
    path: '',
    request: 'rey_ServiceAppointmentInquiryRequest',
    records: '*.Appointment',
    id: 'AppointmentId',
    updated: 'LastUpdateDate',
    since: 'ModifiedSince',
  },
];

export const ReynoldsConfigSchema = z.lazy(() =>
  z.object({
    /** Your RCI endpoint from the Welcome Kit, e.g. https://b2b.reyrey.com/Sync/RCI/<VendorTag>/Receive.ashx (test: b2b-test.reyrey.com). */
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ })),
    /** The WS-Security UsernameToken Reynolds issued. */
    username: z.string().min(1).max(256),
    password: secret(z.string().min(1)),
    /** The rooftop: ApplicationArea/Destination DealerNumber, StoreNumber, AreaNumber. */
    dealerNumber: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    storeNumber: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('01'),
    areaNumber: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('01'),
    /** ApplicationArea/Sender: your component and name as certified, and the destination system's code. */
    senderComponent: z.string().min(1).max(64).default('Switchboard'),
    senderName: z.string().min(1).max(64).default('Switchboard'),
    destinationNameCode: z.string().min(1).max(16).default('RR'),
    /** One inquiry transaction per data type (unverified defaults; see the catalog description). */
    dataTypes: z.array(StarDataTypeSchema).min(1).max(20).default(REYNOLDS_DATA_TYPES),
    lookbackMinutes: z.number().int().min(0).max(1440).default(60),
  }),
);
export type ReynoldsConfig = z.infer<typeof ReynoldsConfigSchema>;

export const reynoldsSpec = {
  type: 'reynolds',
  title: 'Reynolds & Reynolds',
  description:
    'Customers, vehicles and service appointments from Reynolds & Reynolds RCI (SOAP ProcessMessage with STAR XML payloads, WS-Security). Unverified against the vendor: transaction names, paths and record paths are configuration with placeholder defaults; fill them from your RCI interface specifications.',
  configSchema: ReynoldsConfigSchema,
  dataTypes: (config: ReynoldsConfig) => config.dataTypes.map((t) => t.name),
  defaultDataTypes: REYNOLDS_DATA_TYPES.map((t) => t.name),
  // Not published; one request a second is a cautious default for a DMS.
  rateLimit: { requests: 60, windowMs: 60_000 },
} satisfies ConnectorSpec<typeof ReynoldsConfigSchema>;
