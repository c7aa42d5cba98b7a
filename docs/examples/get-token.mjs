// Gets an agent's first access token: client credentials with private_key_jwt (RFC 7523).
//
// Usage: node get-token.mjs ISSUER AGENT_JSON SCOPE
//   ISSUER      the provider's issuer URL, e.g. http://localhost:8080
//   AGENT_JSON  the agent's registration answer as saved (its "id" and "privateJwk")
//   SCOPE       the scopes to ask for, space-separated, e.g. "crm:read"
// Prints the token response JSON. Needs Node 20+ and jose 6 (npm install jose).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importJWK, SignJWT } from 'jose';

const [issuerArg, agentJson, scope] = process.argv.slice(2);
const issuer = issuerArg.replace(/\/+$/, '');
const agent = JSON.parse(readFileSync(agentJson, 'utf8'));
const key = await importJWK(agent.privateJwk, 'EdDSA');
const assertion = await new SignJWT()
  .setProtectedHeader({ alg: 'EdDSA', kid: agent.privateJwk.kid, typ: 'JWT' })
  .setIssuer(agent.id)
  .setSubject(agent.id)
  .setAudience(issuer)
  .setJti(randomUUID())
  .setIssuedAt()
  .setExpirationTime('60s')
  .sign(key);
const response = await fetch(`${issuer}/oauth2/token`, {
  method: 'POST',
  body: new URLSearchParams({
    grant_type: 'client_credentials', client_id: agent.id,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion, scope,
  }),
});
console.log(await response.text());
if (!response.ok) process.exit(1);
