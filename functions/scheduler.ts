import { lazyApp } from '../shared/handlers/lazy';
import { withInvocation, type InvocationContext } from '../shared/log';
import { scheduleDue } from '../shared/handlers/scheduler';

const app = lazyApp({});

/** EventBridge rate(1 minute): claim due integrations and enqueue their runs. */
export const handler = withInvocation(async (_event?: unknown, _context?: InvocationContext) => scheduleDue(app()));
