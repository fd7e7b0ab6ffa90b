import { AppError } from '../errors';
import type { ApiRequest } from '../lambda-types';

/** The version an `If-Match` header names (`"3"`, `W/"3"`), or undefined without one; anything else is a 400. */
export function ifMatchVersion(req: ApiRequest, what: string): number | undefined {
  const h = req.headers['if-match'];
  if (h === undefined) return undefined;
  const n = Number(h.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new AppError('invalid_if_match', `If-Match must be the ${what} version, e.g. "3".`, 400);
  return n;
}
