/**
 * `npm run build` and `npm run package`: writes the OpenAPI document that `GET /api/openapi.json` serves to
 * `.build/openapi.json` (or the path given), from the same route tables, so the published contract can go
 * alongside the package without a running stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument, publicRoutes } from '../shared/api/openapi';
import { Sealer } from '../shared/crypto/sealer';
import { App } from '../shared/services/app';
import { createDb } from '../shared/store/db';

const out = process.argv[2] ?? '.build/openapi.json';
// The route tables are read, never called: nothing here opens a secret, sends a message or reaches a store.
const refuse = async (): Promise<never> => {
  throw new Error('building the OpenAPI document calls no route');
};
const app = new App(createDb(), new Sealer({ id: 'none', generateDataKey: refuse, unwrapDataKey: refuse }), { send: refuse }, []);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(openApiDocument(publicRoutes(app)), null, 2) + '\n');
console.log(`OpenAPI document written to ${out}`);
