import { DevSigner } from '../auth/dev';
import { config } from '../config';
import { UserStore } from '../store/users';
import { JSON_OPTION, json, type Command, type CommandContext } from './command';
import { CliError, UsageError } from './errors';
import { table } from './format';
import { tenantOf } from './store';
import type { OptionSpec, Values } from './args';

const TENANT: Record<string, OptionSpec> = { tenant: { type: 'string', arg: 'ID', help: 'the tenant (default: the demo tenant of `npm start`)' } };
const ISSUER: Record<string, OptionSpec> = { issuer: { type: 'string', arg: 'URL', help: "the sign-in provider's issuer (default: OIDC_ISSUER)" } };
const ROLE: Record<string, OptionSpec> = { role: { type: 'string', arg: 'ROLE', help: 'admin (changes things) or viewer (only reads); default admin' } };

function roleOf(values: Values) {
  const role = (values.role as string | undefined) ?? 'admin';
  if (role !== 'admin' && role !== 'viewer') throw new UsageError(`--role must be admin or viewer, not ${JSON.stringify(role)}`);
  return role;
}

function issuerOf(values: Values): string {
  const iss = (values.issuer as string | undefined) ?? config().OIDC_ISSUER;
  if (!iss) throw new UsageError('no sign-in provider: pass --issuer URL (or set OIDC_ISSUER, as the stack that should trust it does)');
  return iss;
}

async function tenantChecked(ctx: CommandContext, values: Values) {
  const tenantId = tenantOf(ctx.dataDir, values.tenant as string | undefined);
  const { app } = await ctx.stack();
  if (!(await app.tenants.tenantExists(tenantId))) throw new CliError(`Tenant ${tenantId} was not found in ${ctx.dataDir}.`);
  return { app, tenantId };
}

/** `users add <subject>`: the operator's way to let a person sign in to a tenant (as PUT /api/users/{subject}). */
export const usersAdd: Command = {
  words: ['users', 'add'],
  positionals: ['subject'],
  options: { ...TENANT, ...ROLE, ...ISSUER, ...JSON_OPTION },
  summary: 'Let a person signed in with SSO into a tenant, with a role.',
  description: [
    "The subject is the person's user claim as the provider sends it (`sub`, or the claim OIDC_USER_CLAIM names,",
    'e.g. their email). Used for tokens without a tenant claim. Adding them again changes their role; a person',
    'another tenant holds is refused.',
  ].join('\n'),
  async run(ctx, values, [subject]) {
    const role = roleOf(values);
    const issuer = issuerOf(values);
    if (!subject.trim() || subject.length > 128) throw new UsageError('the subject must be 1 to 128 characters');
    const { app, tenantId } = await tenantChecked(ctx, values);
    const { user, created } = await new UserStore(app.db).put({ issuer, user: subject, tenantId, role });
    if (values.json) ctx.io.out(json({ subject: user.user, issuer, tenantId, role: user.role, created }));
    else ctx.io.out(created ? `${subject} may now sign in to tenant ${tenantId} as ${role} (provider ${issuer}).` : `${subject} is now ${role} in tenant ${tenantId} (provider ${issuer}).`);
    return 0;
  },
};

export const usersList: Command = {
  words: ['users', 'list'],
  positionals: [],
  options: { ...TENANT, ...JSON_OPTION },
  summary: 'The people mapped to a tenant, and their roles.',
  description: 'As GET /api/users: every provider the tenant has people of.',
  async run(ctx, values) {
    const { app, tenantId } = await tenantChecked(ctx, values);
    const users = await new UserStore(app.db).list(tenantId);
    if (values.json) ctx.io.out(json({ users: users.map((u) => ({ subject: u.user, issuer: u.issuer, role: u.role, createdAt: u.createdAt })) }));
    else if (!users.length) ctx.io.out(`No one is mapped to tenant ${tenantId}.`);
    else ctx.io.out(table(['SUBJECT', 'ROLE', 'PROVIDER', 'ADDED'], users.map((u) => [u.user, u.role, u.issuer, u.createdAt])));
    return 0;
  },
};

export const usersRemove: Command = {
  words: ['users', 'remove'],
  positionals: ['subject'],
  options: { ...TENANT, ...ISSUER },
  summary: 'Stop a person signing in to a tenant.',
  description: 'Their tokens are refused from the next request (403 no_tenant), unless they carry a tenant claim.',
  async run(ctx, values, [subject]) {
    const issuer = issuerOf(values);
    const { app, tenantId } = await tenantChecked(ctx, values);
    if (!(await new UserStore(app.db).remove(tenantId, issuer, subject))) throw new CliError(`${subject} is not mapped to tenant ${tenantId} (provider ${issuer}).`);
    ctx.io.out(`${subject} removed from tenant ${tenantId}.`);
    return 0;
  },
};

/** `auth token`: a dev sign-in token, as POST /api/auth/dev answers, for curl against `npm start` on this folder. */
export const authToken: Command = {
  words: ['auth', 'token'],
  positionals: [],
  options: { ...TENANT, ...ROLE, user: { type: 'string', arg: 'NAME', help: 'the subject the token names (default developer)' }, ...JSON_OPTION },
  summary: 'A local sign-in token for a tenant and role (the dev sign-in).',
  description: [
    "Signed by the data folder's dev key (dev-signing-key.json), which only the local stack of this folder trusts;",
    'no deployed function accepts it. Prints the token alone (TOKEN=$(npx switchboard auth token --role viewer)),',
    'or {"token", "expiresAt", "tenantId", "role"} with --json.',
  ].join('\n'),
  async run(ctx, values) {
    const role = roleOf(values);
    const { tenantId } = await tenantChecked(ctx, values);
    const user = values.user as string | undefined;
    if (user !== undefined && (!user.trim() || user.length > 200)) throw new UsageError('--user must be 1 to 200 characters');
    const { token, expiresAt } = await (await DevSigner.load(ctx.dataDir)).sign({ tenantId, role, user });
    ctx.io.out(values.json ? json({ token, expiresAt, tenantId, role }) : token);
    return 0;
  },
};
