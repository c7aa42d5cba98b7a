"""An agent gets a token with authlib as it comes: OAuth2Session and PrivateKeyJWT.

Usage: python3 authlib_client.py ISSUER AGENT_JSON SCOPE
  ISSUER      the provider's issuer URL, e.g. http://localhost:8080
  AGENT_JSON  the agent's registration answer as saved (its "id" and "privateJwk")
  SCOPE       the scopes to ask for, space-separated, e.g. "crm:read"

Nothing here is tuned for the provider: the token endpoint comes from the RFC 8414
metadata, the client authentication is authlib's own PrivateKeyJWT (RFC 7523) with its
defaults but for alg (EdDSA, as the agent's key is Ed25519; authlib's default is RS256).
The agent then introspects its token with the same session and method.

Prints one JSON object: "token" (the token response), "introspection" (the agent's own
introspection of it) and "sent" (the form fields of every request authlib sent, in
order), so the caller sees what authlib put on the wire. Exits 1 when the provider
refuses a request, after printing the same object with "error" set.
Needs authlib, requests and cryptography
(Debian: apt install python3-authlib python3-requests python3-cryptography).
"""
import json
import sys
import urllib.parse

from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey
from authlib.oauth2.rfc7523 import PrivateKeyJWT

issuer, agent_json, scope = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
with open(agent_json) as file:
    agent = json.load(file)

key = JsonWebKey.import_key(agent["privateJwk"])
session = OAuth2Session(agent["id"], key, scope=scope,
                        token_endpoint_auth_method="private_key_jwt",
                        revocation_endpoint_auth_method="private_key_jwt")
metadata = session.get(issuer + "/.well-known/oauth-authorization-server", withhold_token=True).json()
token_endpoint = metadata["token_endpoint"]
session.register_client_auth_method(PrivateKeyJWT(token_endpoint, alg="EdDSA"))

sent = []


def record(response, *args, **kwargs):
    body = response.request.body
    if isinstance(body, bytes):
        body = body.decode()
    if response.request.method == "POST":
        sent.append({"url": response.request.url,
                     "authorization": "Authorization" in response.request.headers,
                     "form": dict(urllib.parse.parse_qsl(body or "", keep_blank_values=True))})


session.hooks["response"].append(record)
answer = {"token_endpoint": token_endpoint, "sent": sent}
try:
    answer["token"] = dict(session.fetch_token(token_endpoint, grant_type="client_credentials"))
    introspection = session.introspect_token(metadata["introspection_endpoint"],
                                             token=answer["token"]["access_token"])
    answer["introspection"] = introspection.json()
    if introspection.status_code != 200:
        answer["error"] = "introspection answered " + str(introspection.status_code)
except OAuthError as error:
    answer["error"] = {"error": error.error, "error_description": error.description}
print(json.dumps(answer))
sys.exit(1 if "error" in answer else 0)
