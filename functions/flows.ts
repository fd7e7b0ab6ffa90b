import { customApi } from '../shared/connectors/custom-api';
import { hubspot } from '../shared/connectors/hubspot';
import { salesforce } from '../shared/connectors/salesforce';
import { zoho } from '../shared/connectors/zoho';
import { flowWorkerHandler } from '../shared/flows/worker';
import { lazyApp } from '../shared/handlers/lazy';

/** The flow worker: its own queue, bundle and role; carries the connectors it writes to (their HTTP setup). */
export const handler = flowWorkerHandler(lazyApp([hubspot, customApi, zoho, salesforce]));
