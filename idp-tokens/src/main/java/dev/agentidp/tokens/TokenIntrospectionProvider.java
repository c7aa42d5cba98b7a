package dev.agentidp.tokens;

import java.util.Map;

import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.audit.Decision;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.util.Assert;

/**
 * Token introspection (RFC 7662) from the token store. Resource servers and admin clients
 * may introspect any token; an agent only tokens whose {@code client_id} or current actor
 * is itself (any other token is {@code {"active": false}}, RFC 7662 §2.2, and the refusal
 * is audited). Active answers carry the delegation facts ({@code act},
 * {@code parent_jti}, {@code delegation_depth}) that Keycloak leaves out; anything not
 * active is exactly {@code {"active": false}}.
 */
final class TokenIntrospectionProvider implements AuthenticationProvider {

	private final TokenService tokens;

	private final AuditTrail audit;

	private final boolean auditActive;

	TokenIntrospectionProvider(TokenService tokens, AuditTrail audit, boolean auditActive) {
		Assert.notNull(tokens, "tokens cannot be null");
		Assert.notNull(audit, "audit cannot be null");
		this.tokens = tokens;
		this.audit = audit;
		this.auditActive = auditActive;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2TokenIntrospectionAuthenticationToken request = (OAuth2TokenIntrospectionAuthenticationToken) authentication;
		OAuth2ClientAuthenticationToken client = OAuthParameters.authenticatedClient(request.getPrincipal());
		RegisteredClient caller = client.getRegisteredClient();
		PresentedToken token = this.tokens.recognise(request.getToken()).orElse(null);
		if (token == null || !this.tokens.isActive(token)) {
			return inactive(request, client);
		}
		if (!RegistryClients.mayIntrospectAny(caller) && !ownToken(caller.getClientId(), token)) {
			// RFC 7662 §2.2: a caller not entitled to the token learns nothing about it
			this.audit.appendDenial(new AuditEntry(caller.getClientId(), caller.getClientId(), "token.introspected",
					token.record().jti().value(), Decision.DENY,
					"the token is neither issued to nor acting for the caller",
					Map.of("jti", token.record().jti().value())));
			return inactive(request, client);
		}
		if (this.auditActive) {
			String chain = (token.record().holder().agentId() != null) ? token.record().holder().agentId().toString()
					: AuditEntry.SYSTEM_CHAIN;
			this.audit.appendDenial(new AuditEntry(chain, caller.getClientId(), "token.introspected",
					token.record().jti().value(), Decision.ALLOW, null, Map.of("jti", token.record().jti().value())));
		}
		return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client, describe(token));
	}

	private static boolean ownToken(String callerId, PresentedToken token) {
		return callerId.equals(token.record().holder().clientId()) || callerId.equals(token.currentActor());
	}

	private static OAuth2TokenIntrospectionAuthenticationToken inactive(
			OAuth2TokenIntrospectionAuthenticationToken request, OAuth2ClientAuthenticationToken client) {
		return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), client,
				OAuth2TokenIntrospection.builder().build());
	}

	private static OAuth2TokenIntrospection describe(PresentedToken token) {
		TokenRecord record = token.record();
		Map<String, Object> claims = token.claims();
		OAuth2TokenIntrospection.Builder builder = OAuth2TokenIntrospection.builder(true)
			.subject(record.holder().subject())
			.clientId(record.holder().clientId())
			.scopes((scopes) -> scopes.addAll(record.scopes()))
			.audiences((audiences) -> audiences.addAll(record.audience()))
			.expiresAt(record.lifetime().expiresAt())
			.issuedAt(record.lifetime().issuedAt())
			.id(record.jti().value())
			// RFC 9449 §6.2: a token bound to a key (cnf.jkt) is a DPoP token
			.tokenType((record.cnfJkt() != null) ? "DPoP" : "Bearer");
		if (claims.get("iss") instanceof String issuer) {
			builder.issuer(issuer);
		}
		if (record.holder().owner() != null) {
			builder.claim("owner", record.holder().owner());
		}
		if (record.task() != null) {
			builder.claim("task", record.task());
		}
		if (claims.get("act") instanceof Map<?, ?> act) {
			builder.claim("act", act);
		}
		if (record.family().parentJti() != null) {
			builder.claim("parent_jti", record.family().parentJti().value());
		}
		// the claims a client attestation matched (docs/workload-identity.md)
		if (claims.get(ClientAttestations.ATTESTED) instanceof Map<?, ?> attested) {
			builder.claim(ClientAttestations.ATTESTED, attested);
		}
		if (record.cnfJkt() != null) {
			builder.claim("cnf", Map.of("jkt", record.cnfJkt()));
		}
		if (record.holder().agentId() != null) {
			builder.claim("agent_status", "active");
			builder.claim("delegation_depth", record.family().depth());
		}
		return builder.build();
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2TokenIntrospectionAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
