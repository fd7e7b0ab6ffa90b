#!/usr/bin/env node
'use strict';
// The `switchboard` command: TypeScript run through tsx, so the CLI needs no build step.
// The AWS SDK warns once per process that Node 20 support ends; that line is noise on a terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
require('tsx/cjs');
const { run } = require('../shared/cli/main.ts');

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // main.ts reports every error itself; this is the last resort for a bug in the reporting.
    process.stderr.write(`switchboard: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
