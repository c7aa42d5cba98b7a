// Verifies an access token of the agent identity provider, as a resource server does.
//
// Usage: node verify-token.mjs ISSUER AUDIENCE TOKEN
//   ISSUER    the provider's issuer URL, e.g. http://localhost:8080
//   AUDIENCE  this resource server's URI, the "resource" agents ask their tokens for
//   TOKEN     the access token (what follows "Bearer " in the Authorization header)
// Prints the token's claims as JSON, or why it is refused (exit code 1). Needs Node 20+
// and jose 6 (npm install jose).
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuerArg, audience, token] = process.argv.slice(2);
const issuer = issuerArg.replace(/\/+$/, '');
// the provider's metadata (RFC 8414) names its key set; createRemoteJWKSet fetches and caches it
const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));

// The claims of a valid access token; throws for any other.
async function verify(token) {
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience,
    typ: 'at+jwt', // RFC 9068 §4
    algorithms: ['ES256', 'EdDSA'],
    requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id'],
  });
  return payload;
}

try {
  console.log(JSON.stringify(await verify(token)));
} catch (error) {
  console.error(`invalid token: ${error.code ?? error.name}: ${error.message}`);
  process.exit(1);
}
