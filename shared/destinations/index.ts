import { hubspotDestination } from './hubspot';
import { restDestination } from './rest';
import { salesforceDestination } from './salesforce';
import { zohoDestination } from './zoho';
import type { Destination } from './types';

/** The integration types a flow can write to. */
export const destinations: ReadonlyMap<string, Destination> = new Map([hubspotDestination, restDestination, zohoDestination, salesforceDestination].map((d) => [d.type, d]));

export type { Destination, DeliveryItem, DeliveryResult, FlowTarget } from './types';
