"""Gets an agent's first access token: client credentials with private_key_jwt (RFC 7523).

Usage: python3 get-token.py ISSUER AGENT_JSON SCOPE
  ISSUER      the provider's issuer URL, e.g. http://localhost:8080
  AGENT_JSON  the agent's registration answer as saved (its "id" and "privateJwk")
  SCOPE       the scopes to ask for, space-separated, e.g. "crm:read"
Prints the token response JSON. Needs PyJWT 2.6+ and cryptography
(Debian: apt install python3-jwt python3-cryptography).
"""
import json, sys, time, urllib.error, urllib.parse, urllib.request, uuid

from jwt import encode
from jwt.algorithms import OKPAlgorithm

issuer, agent_json, scope = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
with open(agent_json) as file:
    agent = json.load(file)
now = int(time.time())
claims = {"iss": agent["id"], "sub": agent["id"], "aud": issuer,
          "jti": str(uuid.uuid4()), "iat": now, "exp": now + 60}
key = OKPAlgorithm.from_jwk(agent["privateJwk"])
assertion = encode(claims, key, algorithm="EdDSA", headers={"kid": agent["privateJwk"]["kid"]})
form = urllib.parse.urlencode({
    "grant_type": "client_credentials", "client_id": agent["id"],
    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    "client_assertion": assertion, "scope": scope}).encode()
try:
    with urllib.request.urlopen(issuer + "/oauth2/token", data=form) as response:
        print(response.read().decode())
except urllib.error.HTTPError as error:
    print(error.read().decode())
    sys.exit(1)
