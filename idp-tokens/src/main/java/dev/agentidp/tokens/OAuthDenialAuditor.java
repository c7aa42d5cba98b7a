package dev.agentidp.tokens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.agentidp.audit.AuditEntry;
import dev.agentidp.audit.Decision;
import dev.agentidp.audit.PrintableText;
import dev.agentidp.audit.RefusalLog;
import dev.agentidp.audit.Refusals;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.registry.Agent;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.AgentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.util.Assert;

/**
 * Answers every refused OAuth request with its RFC 6749 §5.2 error, after handing the
 * refusal to {@link Refusals} (recorded on its own, or counted in the summary of its
 * chain, source and interval; docs/audit.md "Refusals"): {@code token.denied} at the
 * token endpoint, {@code token.introspected} and {@code token.revoked} at the others,
 * {@code access.refused} at the policy decision point's ({@code /access/}), with the
 * precise reason (an expired, replayed or wrongly signed assertion, a scope outside the
 * capabilities, ...). The record goes to the agent's chain when the client is a known
 * agent, else to {@code _system}. Nothing secret is recorded: no assertion, no token, no
 * client secret. The answer does not depend on whether the refusal could be recorded: a
 * refusal that cannot be recorded is still refused, with the same error (fail closed),
 * and counted in {@code idp.audit.refusal.unrecorded}.
 */
final class OAuthDenialAuditor implements AuthenticationFailureHandler {

	private static final Logger logger = LoggerFactory.getLogger(OAuthDenialAuditor.class);

	private final Refusals audit;

	private final AgentRegistry agents;

	private final RefusalLog refusals = new RefusalLog();

	private final OAuth2ErrorHttpMessageConverter errors = new OAuth2ErrorHttpMessageConverter();

	private final DpopNonces nonces;

	OAuthDenialAuditor(Refusals audit, AgentRegistry agents) {
		this(audit, agents, null);
	}

	/**
	 * @param audit where refusals are recorded
	 * @param agents the registry, for the chain of a refused agent
	 * @param nonces the token endpoint's DPoP server nonces, or {@code null} when none
	 * are required
	 */
	OAuthDenialAuditor(Refusals audit, AgentRegistry agents, DpopNonces nonces) {
		Assert.notNull(audit, "audit cannot be null");
		Assert.notNull(agents, "agents cannot be null");
		this.audit = audit;
		this.agents = agents;
		this.nonces = nonces;
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException, jakarta.servlet.ServletException {
		OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth) ? oauth.getError()
				: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
		AuditEntry entry;
		try {
			entry = entry(request, error, exception);
		}
		catch (RuntimeException ex) {
			// the registry could not be read (the database is failing): the request is
			// refused all the same, and recorded on _system
			logger.warn("Could not look up the client of a refused OAuth request: {}", ex.getClass().getSimpleName());
			entry = new AuditEntry(AuditEntry.SYSTEM_CHAIN, null, "token.denied", null, Decision.DENY,
					reason(error, exception), Map.of("error", error.getErrorCode()));
		}
		this.refusals.refused(entry.actor(), clean(request.getRequestURI()), entry.reason());
		// never throws: a refusal that cannot be recorded is counted and aggregated
		this.audit.refused(entry, RequestSource.of(request.getRemoteAddr()));
		OAuth2Error answer = new OAuth2Error(error.getErrorCode(), publicDescription(request, error, exception),
				error.getUri());
		ServletServerHttpResponse httpResponse = new ServletServerHttpResponse(response);
		if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
			// RFC 6749 §5.2: failed client authentication is 401 with a WWW-Authenticate
			// header
			httpResponse.setStatusCode(HttpStatus.UNAUTHORIZED);
			httpResponse.getHeaders().set("WWW-Authenticate", "Basic realm=\"oauth\"");
		}
		else {
			httpResponse.setStatusCode(HttpStatus.BAD_REQUEST);
		}
		if (this.nonces != null && (TokenRequestProofs.USE_DPOP_NONCE.equals(error.getErrorCode())
				|| OAuth2ErrorCodes.INVALID_DPOP_PROOF.equals(error.getErrorCode()))) {
			// RFC 9449 §8: use_dpop_nonce comes with the nonce to use; a refused or
			// missing
			// proof too, so that the client's next proof can carry one at once (§8.2)
			httpResponse.getHeaders().set(DpopNonces.HEADER, this.nonces.issue());
		}
		this.errors.write(answer, null, httpResponse);
	}

	/**
	 * The {@code error_description} the client is told: what was wrong, without what
	 * would help an attacker. A failed client authentication says which check of the
	 * assertion failed (the client made the assertion, so this tells it nothing new), but
	 * never whether a client exists or which part of a secret was wrong.
	 */
	static String publicDescription(HttpServletRequest request, OAuth2Error error, AuthenticationException exception) {
		if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
			for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
				if (cause instanceof JwtValidationException validation && !validation.getErrors().isEmpty()) {
					String description = validation.getErrors().iterator().next().getDescription();
					if (description != null) {
						return description;
					}
				}
			}
			for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
				if (cause instanceof org.springframework.security.oauth2.jwt.JwtException) {
					return "Client assertion rejected: it must be a JWT signed with a key registered for the client"
							+ " (EdDSA, Ed25519 or ES256, the registered kid when one is given)";
				}
			}
			String description = error.getDescription();
			// an assertion's or a client attestation's check: the client made both
			if (description != null && (description.startsWith("Client assertion rejected")
					|| ClientAttestations.SPEC.equals(error.getUri()))) {
				return description;
			}
			return "Client authentication failed: unknown client, or credentials that do not match it";
		}
		if (error.getDescription() != null && !error.getDescription().isBlank()) {
			return error.getDescription();
		}
		if (OAuth2ErrorCodes.INVALID_REQUEST.equals(error.getErrorCode())) {
			return OAuthRequestShape.describe(request);
		}
		// what Spring's own providers refuse without a description (its
		// client-credentials
		// provider for a scope outside a non-agent client's registration, for one)
		return switch (error.getErrorCode()) {
			case OAuth2ErrorCodes.INVALID_SCOPE ->
				"The requested scope is not one this client may be granted (RFC 6749 §5.2)";
			case OAuth2ErrorCodes.UNAUTHORIZED_CLIENT -> "This client may not use this grant type (RFC 6749 §5.2)";
			case OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE ->
				"Unsupported grant_type: client_credentials, token exchange and the CIBA grant are supported"
						+ " (RFC 6749 §5.2)";
			case OAuth2ErrorCodes.INVALID_GRANT -> "The grant is invalid, expired or revoked (RFC 6749 §5.2)";
			default -> null;
		};
	}

	private AuditEntry entry(HttpServletRequest request, OAuth2Error error, AuthenticationException exception) {
		String clientId = clientId(request).map(OAuthDenialAuditor::clean).orElse(null);
		boolean knownAgent = RegistryClients.agentId(clientId)
			.map((id) -> this.agents.findAgent(id).isPresent())
			.orElse(false);
		String path = request.getRequestURI();
		String action = path.endsWith("/introspect") ? "token.introspected"
				: path.endsWith("/revoke") ? "token.revoked" : path.startsWith("/access/") ? "access.refused"
						: path.endsWith("/bc-authorize") ? "approval.refused" : "token.denied";
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("error", error.getErrorCode());
		details.put("endpoint", clean(path));
		String grantType = request.getParameter("grant_type");
		if (grantType != null) {
			details.put("grantType", clean(grantType));
		}
		String reason = reason(error, exception);
		if (knownAgent && OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
			// an agent that is not active is not found as a client: say why (audit only)
			AgentStatus status = RegistryClients.agentId(clientId)
				.flatMap(this.agents::findAgent)
				.map(Agent::status)
				.orElse(AgentStatus.ACTIVE);
			if (status != AgentStatus.ACTIVE) {
				reason = clean("invalid_client: the agent is " + status.value());
			}
		}
		return new AuditEntry(knownAgent ? clientId : AuditEntry.SYSTEM_CHAIN, clientId, action, clientId,
				Decision.DENY, reason, details);
	}

	/**
	 * The client whose authentication was attempted: HTTP Basic's user when the request
	 * authenticated that way (a form {@code client_id} beside it names nobody who was
	 * checked), else the form's client_id, else the client assertion's {@code iss} (RFC
	 * 7521 §4.2, read without verification: it names who the request claims to be, as the
	 * form's client_id does).
	 */
	private static Optional<String> clientId(HttpServletRequest request) {
		Optional<String> basic = basicUser(request);
		if (basic.isPresent()) {
			return basic;
		}
		String clientId = request.getParameter("client_id");
		if (clientId != null) {
			return Optional.of(clientId);
		}
		String assertion = request.getParameter("client_assertion");
		if (assertion != null && request.getHeader("Authorization") == null) {
			try {
				return Optional.ofNullable(com.nimbusds.jwt.SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer());
			}
			catch (java.text.ParseException | RuntimeException ex) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	/** HTTP Basic's user (RFC 6749 §2.3.1: form-encoded), never the secret. */
	private static Optional<String> basicUser(HttpServletRequest request) {
		String header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
			try {
				String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
						StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				// only the user part: the secret after the colon is never read further
				return Optional.of(java.net.URLDecoder.decode((colon >= 0) ? decoded.substring(0, colon) : decoded,
						StandardCharsets.UTF_8));
			}
			catch (IllegalArgumentException ex) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	private static String reason(OAuth2Error error, AuthenticationException exception) {
		String detail = null;
		for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
			if (cause instanceof JwtValidationException validation && !validation.getErrors().isEmpty()) {
				detail = validation.getErrors().iterator().next().getDescription();
				break;
			}
			if (cause != exception && cause instanceof org.springframework.security.oauth2.jwt.JwtException jwt) {
				detail = "the client assertion could not be verified: " + jwt.getMessage();
			}
		}
		if (detail == null) {
			detail = error.getDescription();
		}
		return clean(error.getErrorCode() + ((detail != null) ? ": " + detail : ""));
	}

	/** Bounded, printable: request input is hostile until shown otherwise. */
	static String clean(String value) {
		if (value == null) {
			return null;
		}
		return PrintableText.of(value, 200);
	}

}
