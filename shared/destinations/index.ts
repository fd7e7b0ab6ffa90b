import { hubspotDestination } from './hubspot';
import { restDestination } from './rest';
import type { Destination } from './types';

/** The integration types a flow can write to. */
export const destinations: ReadonlyMap<string, Destination> = new Map([hubspotDestination, restDestination].map((d) => [d.type, d]));

export type { Destination, DeliveryItem, DeliveryResult, FlowTarget } from './types';
