/**
 * `npm run build` and `npm run package`: writes the OpenAPI document that `GET /api/openapi.json` serves to
 * `.build/openapi.json` (or the path given), from the same route tables, so the published contract can go
 * alongside the package without a running stack; and beside it `openapi.br.json`, the same document compressed
 * (brotli, as a base64 JSON string: 15 KB instead of 220), which the deployed api function bundles and serves (shared/api/openapi-route.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { openApiDocument, publicRoutes } from '../shared/api/openapi';
import { inertApp } from '../shared/api/route-keys';

const out = process.argv[2] ?? '.build/openapi.json';
const doc = openApiDocument(publicRoutes(inertApp()));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
const compressed = brotliCompressSync(JSON.stringify(doc), { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 } });
writeFileSync(join(dirname(out), 'openapi.br.json'), JSON.stringify(compressed.toString('base64')) + '\n');
console.log(`OpenAPI document written to ${out}`);
