import { hubspotDestination } from './hubspot';
import { restDestination } from './rest';
import { zohoDestination } from './zoho';
import type { Destination } from './types';

/** The integration types a flow can write to. */
export const destinations: ReadonlyMap<string, Destination> = new Map([hubspotDestination, restDestination, zohoDestination].map((d) => [d.type, d]));

export type { Destination, DeliveryItem, DeliveryResult, FlowTarget } from './types';
