"""Verifies an access token of the agent identity provider, as a resource server does.

Usage: python3 verify-token.py ISSUER AUDIENCE TOKEN
  ISSUER    the provider's issuer URL, e.g. http://localhost:8080
  AUDIENCE  this resource server's URI, the "resource" agents ask their tokens for
  TOKEN     the access token (what follows "Bearer " in the Authorization header)
Prints the token's claims as JSON, or why it is refused (exit code 1). Needs PyJWT 2.6+
and cryptography (Debian: apt install python3-jwt python3-cryptography).
"""
import json, sys, urllib.request

import jwt

issuer, audience, token = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
# the provider's metadata (RFC 8414) names its key set; PyJWKClient fetches and caches it
with urllib.request.urlopen(issuer + "/.well-known/oauth-authorization-server") as response:
    jwks = jwt.PyJWKClient(json.load(response)["jwks_uri"])
# the provider's key types and their JWS algorithms: a key is used with its own only
ALGORITHMS = {"EC": "ES256", "OKP": "EdDSA"}


def verify(token):
    """The claims of a valid access token; raises jwt.PyJWTError for any other."""
    # RFC 9068 §4: an access token's typ is at+jwt; PyJWT does not check typ itself
    typ = str(jwt.get_unverified_header(token).get("typ", "")).lower()
    if typ not in ("at+jwt", "application/at+jwt"):
        raise jwt.InvalidTokenError(f"typ {typ!r} is not at+jwt")
    key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=[ALGORITHMS.get(key.key_type, "none")],
                      audience=audience, issuer=issuer,
                      options={"require": ["iss", "sub", "aud", "exp", "iat", "jti", "client_id"]})


try:
    claims = verify(token)
except jwt.PyJWTError as error:
    print(f"invalid token: {error}", file=sys.stderr)
    sys.exit(1)
print(json.dumps(claims))
