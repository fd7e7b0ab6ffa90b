import type { Connector } from './types';
import { customApi } from './custom-api';
import { database } from './database';
import { genius } from './genius';
import { googleSheets } from './google-sheets';
import { hubspot } from './hubspot';
import { marketsharp } from './marketsharp';
import { salesforce } from './salesforce';
import { salespro } from './salespro';
import { zoho } from './zoho';
import { twilio } from './twilio';
import { cdk } from './cdk';
import { callrail } from './callrail';
import { arrivy } from './arrivy';
import { leadconduit } from './leadconduit';
import { ringcentral } from './ringcentral';
import { salesrabbit } from './salesrabbit';
import { five9 } from './five9';
import { reynolds } from './reynolds';
import { dealersocket } from './dealersocket';
import { shopify } from './shopify';

import { pipedrive } from './pipedrive';
import { woocommerce } from './woocommerce';
import { stripe } from './stripe';
import { mailchimp } from './mailchimp';
import { activecampaign } from './activecampaign';
/** Every connector with its code: the local stack, the CLI and the test-connection function use this. */
export const connectors: Connector[] = [customApi, hubspot, salesforce, zoho, database, genius, marketsharp, salespro, googleSheets, twilio, cdk, callrail, arrivy, leadconduit, ringcentral, salesrabbit, five9, pipedrive, woocommerce, stripe, mailchimp, activecampaign, reynolds, dealersocket, shopify] as Connector[];
