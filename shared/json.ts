import { AppError, BadJsonError } from './errors';

/**
 * How deep JSON from outside may nest. DynamoDB refuses items nested over 32 levels, and what we receive is
 * stored a few levels down (item → config → streams → [i] → body; item → event → payload), so 20 leaves room
 * for our wrapping; no vendor payload or config we know comes near it.
 */
export const MAX_JSON_DEPTH = 20;

export class TooDeepError extends AppError {
  constructor(limit: number) {
    super('json_too_deep', `The JSON is nested deeper than ${limit} levels.`, 400);
  }
}

/**
 * The nesting depth of JSON text, counted without parsing it (a recursive parse or walk of hostile input is
 * what overflows the stack), stopping as soon as it passes `limit`.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Throws a 400 when JSON text nests deeper than `limit`. */
export function assertJsonDepth(text: string, limit = MAX_JSON_DEPTH): void {
  if (jsonDepth(text, limit) > limit) throw new TooDeepError(limit);
}

/** `JSON.parse` for input from outside: 400 `invalid_json` when it is not JSON, 400 `json_too_deep` past the limit. */
export function parseJson(text: string, limit = MAX_JSON_DEPTH): unknown {
  assertJsonDepth(text, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new BadJsonError();
  }
}
