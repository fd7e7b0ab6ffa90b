import { setLogSink } from '../../shared/log';

// The AWS SDK warns once per process that Node 20 support ends in 2027; Lambda runs nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.ALLOW_LOOPBACK_TARGETS = 'true';
// Log lines are dropped unless a test captures them (startTestStack does, to grep them for secrets).
if (!process.env.SHOW_LOGS) setLogSink(() => undefined);
