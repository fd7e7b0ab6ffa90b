import { lazyApp } from '../shared/handlers/lazy';
import { scheduleDue } from '../shared/services/scheduler';

const app = lazyApp();

/** EventBridge rate(1 minute): claim due integrations and enqueue their runs. */
export const handler = async () => scheduleDue(app());
