import { lazyApp } from '../shared/handlers/lazy';
import { notifyWorkerHandler } from '../shared/notify/worker';

/** The notification worker: delivers queued events to Slack and webhook channels, off the sync workers' path. */
export const handler = notifyWorkerHandler(lazyApp({}));
