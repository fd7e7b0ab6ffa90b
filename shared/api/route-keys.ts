import { Sealer } from '../crypto/sealer';
import { App } from '../services/app';
import { createDb } from '../store/db';
import type { Route } from './router';

const refuse = async (): Promise<never> => {
  throw new Error('reading a route table calls no route');
};

/**
 * An App for reading route tables without calling a route (the OpenAPI document at build time, the template's
 * API Gateway routes): nothing through it opens a secret, sends a message or reaches a store.
 */
export const inertApp = (): App => new App(createDb(), new Sealer({ id: 'none', generateDataKey: refuse, unwrapDataKey: refuse }), { send: refuse }, []);

/** `[method, path]` of every route a function's router serves: what resources/ turns into its API Gateway routes. */
export const routeKeys = (routes: (app: App) => Route[]): [string, string][] => routes(inertApp()).map((r) => [r.method, r.path]);
