import type { IncomingMessage } from 'node:http';
import { readBody, type TokenControls } from './kit';

/**
 * A vendor's refresh-token grant with rotating refresh tokens and HTTP Basic client auth (QuickBooks, Xero):
 * each honoured refresh issues a new access token and a new refresh token; the old refresh token stops working.
 */
export class RotatingGrant {
  access: string;
  refresh: string;
  private count = 0;
  private fails = false;

  constructor(
    private readonly client: { id: string; secret: string },
    tokens: { access: string; refresh: string },
  ) {
    this.access = tokens.access;
    this.refresh = tokens.refresh;
  }

  /**
   * Answers a token request: `{status, body}` with the vendor's OAuth error (401 invalid_client, 400
   * invalid_grant) or the new pair, `make` shaping the success body around it.
   */
  async answer(req: IncomingMessage, make: (access: string, refresh: string) => Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams(await readBody(req));
    if (req.headers.authorization !== 'Basic ' + Buffer.from(`${this.client.id}:${this.client.secret}`).toString('base64')) return { status: 401, body: { error: 'invalid_client' } };
    if (this.fails || form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== this.refresh) return { status: 400, body: { error: 'invalid_grant' } };
    this.count++;
    this.access = `eyJ.access.${this.count}.${Math.random().toString(36).slice(2, 8)}`;
    this.refresh = `refresh-${this.count}-${Math.random().toString(36).slice(2, 10)}`;
    return { status: 200, body: make(this.access, this.refresh) };
  }

  /** The controls a sandbox hands its tests, with the current refresh token. */
  controls(): TokenControls & { readonly refreshToken: string } {
    const g = this;
    return {
      get accessToken() {
        return g.access;
      },
      get refreshToken() {
        return g.refresh;
      },
      get refreshCount() {
        return g.count;
      },
      expireToken() {
        g.access = `${g.access}.expired`;
      },
      failRefresh(on = true) {
        g.fails = on;
      },
    };
  }
}
