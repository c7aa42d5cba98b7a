package dev.agentidp.tokens;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.util.Assert;

/**
 * Token revocation (RFC 7009) with cascade: revoking a token revokes every token derived
 * from it, in one statement, before the call returns. Who may revoke (docs/tokens.md
 * "Contract"): an admin client, the token's {@code client_id}, its {@code sub}, or any
 * agent on its delegation path ({@code act} chain). Another authenticated client gets
 * {@code unauthorized_client} and the token stays active (audited). An unknown or
 * malformed token answers 200 (RFC 7009 §2.2).
 */
final class TokenRevocationProvider implements AuthenticationProvider {

	private final TokenService tokens;

	private final AuditTrail audit;

	TokenRevocationProvider(TokenService tokens, AuditTrail audit) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		this.tokens = tokens;
		this.audit = audit;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2TokenRevocationAuthenticationToken request = (OAuth2TokenRevocationAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient caller = client.getRegisteredClient();
		PresentedToken token = this.tokens.recognise(request.getToken()).orElse(null);
		if (token == null) {
			// RFC 7009 §2.2: an invalid token is not an error
			return request;
		}
		if (!RegistryClients.mayRevokeAny(caller) && !entitled(caller.getClientId(), token)) {
			String chain = (token.record().holder().agentId() != null) ? token.record().holder().agentId().toString()
					: AuditEntry.SYSTEM_CHAIN;
			this.audit.appendDenial(new AuditEntry(chain, caller.getClientId(), "token.revoked",
					token.record().jti().value(), Decision.DENY,
					"unauthorized_client: the caller is neither the token's client, its subject, an"
							+ " agent on its delegation path nor an admin client",
					Map.of("jti", token.record().jti().value())));
			throw OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"The client is not allowed to revoke this token");
		}
		this.tokens.revoke(token, caller.getClientId(), "revoked at /oauth2/revoke");
		OAuth2AccessToken revoked = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, request.getToken(),
				token.record().lifetime().issuedAt(), token.record().lifetime().expiresAt());
		return new OAuth2TokenRevocationAuthenticationToken(revoked, client);
	}

	private static boolean entitled(String callerId, PresentedToken token) {
		TokenRecord record = token.record();
		if (callerId.equals(record.holder().clientId()) || callerId.equals(record.holder().subject())
				|| callerId.equals(token.currentActor())) {
			return true;
		}
		return actChain(token.claims().get("act")).contains(callerId);
	}

	/** Every {@code sub} on the RFC 8693 §4.1 {@code act} chain, outermost first. */
	static Set<String> actChain(Object act) {
		Set<String> chain = new HashSet<>();
		Object current = act;
		int depth = 0;
		while (current instanceof Map<?, ?> map && depth++ < 64) {
			if (map.get("sub") instanceof String sub) {
				chain.add(sub);
			}
			current = map.get("act");
		}
		return chain;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2TokenRevocationAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
