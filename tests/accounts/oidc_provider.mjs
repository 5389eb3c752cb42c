// A small OpenID provider for the single sign-on tests (panva's oidc-provider, certified).
// Usage: node tests/accounts/oidc_provider.mjs PORT REDIRECT_URI [CLIENT_JWKS_JSON]
// It serves http://127.0.0.1:PORT on loopback only, with static clients ("husly" with a
// client secret; "husly-jwt" with private_key_jwt, when the client's public JWKS is given)
// and the library's development login, consent and sign-out pages: any login name signs in,
// and the account's claims are made from it (login "kari" -> email "kari@kommune.test").
// Never for production.
import Provider from 'oidc-provider';

const [port, redirectUri, clientJwks] = process.argv.slice(2);
if (!port || !redirectUri) {
  console.error('usage: oidc_provider.mjs PORT REDIRECT_URI [CLIENT_JWKS_JSON]');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const common = {
  redirect_uris: [redirectUri],
  // Husly's login page, where the provider's sign-out sends the browser back (HUSLY_OIDC_LOGOUT).
  post_logout_redirect_uris: [new URL('/konto/logg-inn/', redirectUri).href],
  grant_types: ['authorization_code'],
  response_types: ['code'],
};
const clients = [{
  ...common,
  client_id: 'husly',
  client_secret: 'husly-test-secret',
  token_endpoint_auth_method: 'client_secret_basic',
}];
if (clientJwks) {
  clients.push({
    ...common,
    client_id: 'husly-jwt',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: JSON.parse(clientJwks),
  });
}

const provider = new Provider(issuer, {
  clients,
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
