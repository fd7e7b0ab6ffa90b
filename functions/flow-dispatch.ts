import { streamHandler } from '../shared/flows/dispatch';
import { lazyApp } from '../shared/handlers/lazy';

/** DynamoDB Streams (record items) → realtime flow runs on the flows queue. No KMS, no connector code. */
export const handler = streamHandler(lazyApp({}));
