import type { ConnectorSpec } from './types';
import { customApiSpec } from './custom-api/spec';
import { databaseSpec } from './database/spec';
import { geniusSpec } from './genius/spec';
import { googleSheetsSpec } from './google-sheets/spec';
import { hubspotSpec } from './hubspot/spec';
import { marketsharpSpec } from './marketsharp/spec';
import { salesforceSpec } from './salesforce/spec';
import { salesproSpec } from './salespro/spec';
import { zohoSpec } from './zoho/spec';
import { twilioSpec } from './twilio/spec';
import { cdkSpec } from './cdk/spec';
import { callrailSpec } from './callrail/spec';
import { arrivySpec } from './arrivy/spec';
import { leadconduitSpec } from './leadconduit/spec';
import { ringcentralSpec } from './ringcentral/spec';
import { salesrabbitSpec } from './salesrabbit/spec';
import { five9Spec } from './five9/spec';
import { reynoldsSpec } from './reynolds/spec';
import { dealersocketSpec } from './dealersocket/spec';
import { shopifySpec } from './shopify/spec';
import { quickbooksSpec } from './quickbooks/spec';
import { xeroSpec } from './xero/spec';

import { pipedriveSpec } from './pipedrive/spec';
import { woocommerceSpec } from './woocommerce/spec';
import { stripeSpec } from './stripe/spec';
import { mailchimpSpec } from './mailchimp/spec';
import { activecampaignSpec } from './activecampaign/spec';
import { slackSpec } from './slack/spec';
import { ga4Spec } from './ga4/spec';
import { datadogSpec } from './datadog/spec';
import { smtpSpec } from './smtp/spec';
import { sendgridSpec } from './sendgrid/spec';
import { fileSpec } from './file/spec';
/**
 * Every connector's declaration (no drivers): the API, the catalog and the deploy template read this.
 * Adding a connector = its folder, one line here, one in all.ts and its worker entry in functions/workers/
 * (none for a `destinationOnly` or `imported` type, which has no worker).
 */
export const specs: ConnectorSpec[] = [
  customApiSpec,
  hubspotSpec,
  salesforceSpec,
  zohoSpec,
  databaseSpec,
  geniusSpec,
  marketsharpSpec,
  salesproSpec,
  googleSheetsSpec,
  twilioSpec,
  cdkSpec,
  callrailSpec,
  arrivySpec,
  leadconduitSpec,
  ringcentralSpec,
  salesrabbitSpec,
  five9Spec,
  pipedriveSpec,
  woocommerceSpec,
  stripeSpec,
  mailchimpSpec,
  activecampaignSpec,
  reynoldsSpec,
  dealersocketSpec,
  shopifySpec,
  quickbooksSpec,
  xeroSpec,
  slackSpec,
  ga4Spec,
  datadogSpec,
  smtpSpec,
  sendgridSpec,
  fileSpec,
] as ConnectorSpec[];
