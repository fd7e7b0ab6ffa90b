import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A fresh self-signed certificate for localhost (smtp-server's built-in one has expired); the client trusts it as its only CA. */
function localhostCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-smtp-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A received message: envelope, whether the session was encrypted and logged in, and the parsed MIME. */
export interface ReceivedMail {
  from: string;
  to: string[];
  secure: boolean;
  user?: string;
  mail: ParsedMail;
}

export interface SmtpTestServer {
  port: number;
  received: ReceivedMail[];
  /** The CA a client passes to trust this server's STARTTLS certificate. */
  ca: string;
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1. With `auth`, logins are checked and required, and STARTTLS is
 * offered (smtp-server refuses AUTH on a plain connection); without it, STARTTLS is not offered and mail is
 * accepted from anyone. `rejectRecipients` answers 550 for those addresses.
 */
export async function startSmtpServer(opts: { auth?: { username: string; password: string }; rejectRecipients?: string[] } = {}): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const { key, cert } = localhostCert();
  const server = new SMTPServer({
    key,
    cert,
    authOptional: !opts.auth,
    ...(opts.auth ? {} : { disabledCommands: ['STARTTLS', 'AUTH'] }),
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.username && auth.password === opts.auth.password) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (opts.rejectRecipients?.includes(address.address)) cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream, { keepCidLinks: true })
        .then((mail) => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: session.user as string | undefined,
            mail,
          });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port,
    received,
    ca: cert,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
