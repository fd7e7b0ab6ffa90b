import { customApi } from '../shared/connectors/custom-api';
import { hubspot } from '../shared/connectors/hubspot';
import { salesforce } from '../shared/connectors/salesforce';
import { zoho } from '../shared/connectors/zoho';
import { twilio } from '../shared/connectors/twilio';
import { slack } from '../shared/connectors/slack';
import { ga4 } from '../shared/connectors/ga4';
import { datadog } from '../shared/connectors/datadog';
import { smtp } from '../shared/connectors/smtp';
import { sendgrid } from '../shared/connectors/sendgrid';
import { file } from '../shared/connectors/file';
import { flowWorkerHandler } from '../shared/flows/worker';
import { lazyApp } from '../shared/handlers/lazy';
import { specs } from '../shared/connectors/specs';
import { withConnectionTests } from '../shared/handlers/connection-tests';

/**
 * The flow worker: its own queue, bundle and role; carries the connectors it writes to (their HTTP setup), targets,
 * actions and report mail alike. It also runs the connection test of the types without a worker of their own
 * (shared/services/test-in-worker.ts testerOf): the destination-only ones it writes to, and file (a constant answer).
 */
const app = lazyApp({ specs, connectors: [hubspot, customApi, zoho, salesforce, twilio, slack, ga4, datadog, smtp, sendgrid, file] });
export const handler = withConnectionTests(app, flowWorkerHandler(app));
