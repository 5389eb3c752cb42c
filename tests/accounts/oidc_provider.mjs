// A small OpenID provider for the single sign-on tests (panva's oidc-provider, certified).
// Usage: node tests/accounts/oidc_provider.mjs PORT REDIRECT_URI
// It serves http://127.0.0.1:PORT on loopback only, with one static client ("husly") and the
// library's development login and consent pages: any login name signs in, and the account's
// claims are made from it (login "kari" -> email "kari@kommune.test"). Never for production.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
if (!port || !redirectUri) {
  console.error('usage: oidc_provider.mjs PORT REDIRECT_URI');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'husly',
    client_secret: 'husly-test-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // Husly must send PKCE (S256) even as a confidential client.
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  cookies: { keys: ['husly-oidc-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@kommune.test`,
          email_verified: true,
          name: id,
          preferred_username: id,
        };
      },
    };
  },
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
