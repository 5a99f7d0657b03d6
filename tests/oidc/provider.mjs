// A real OpenID Provider for the sign-in tests (oidc-provider, a certified implementation): one
// confidential client and a few test users, on 127.0.0.1. Started by the test harness:
//
//   node tests/oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// It prints `ready` once it listens. Its development login page takes any password; consent
// is given automatically to the one client (a first-party app), as a deployment would configure.

import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}

// Test users: the login name is the subject.
const users = {
  ada: { email: 'ada@example.org', email_verified: true, name: 'Ada Lovelace' },
  nia: { email: 'nia@example.org', email_verified: true, name: 'Nia Newcomer' },
  eve: { email: 'eve@example.org', email_verified: false, name: 'Eve Unverified' },
  mallory: { email: 'bob@example.org', email_verified: false, name: 'Mallory' },
};

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
  // Claims go into the ID token itself (no user-info request needed).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['mingle-test-provider-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async loadExistingGrant(ctx) {
    const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});
// Quiet: the tests read only `ready`.
provider.on('server_error', (_ctx, error) => console.error('provider error:', error));

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
