package dev.agentidp.tokens;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * The checks of the token request parameters this provider adds to RFC 6749:
 * {@code resource} (RFC 8707), {@code task} and {@code ttl} (docs/tokens.md "Contract").
 * Shared by every grant that issues agent tokens.
 */
public final class OAuthParameters {

	/** The cap on any token's lifetime. */
	public static final Duration MAX_TTL = Duration.ofHours(24);

	private static final Pattern TASK = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	private static final Pattern TTL = Pattern.compile("[1-9][0-9]{0,9}");

	private static final String RFC6749_ERRORS = "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2";

	private OAuthParameters() {
	}

	/**
	 * A parameter that may appear at most once (RFC 6749 §3.2).
	 * @param parameters the request's additional parameters
	 * @param name the parameter
	 * @return its value, or {@code null} when absent
	 * @throws OAuth2AuthenticationException {@code invalid_request} when repeated
	 */
	public static String single(Map<String, Object> parameters, String name) {
		Object value = parameters.get(name);
		if (value == null) {
			return null;
		}
		if (value instanceof String text) {
			return text;
		}
		throw error(OAuth2ErrorCodes.INVALID_REQUEST, "Parameter " + name + " must not be repeated (RFC 6749 §3.2)");
	}

	/**
	 * The {@code task} parameter.
	 * @param parameters the request's additional parameters
	 * @return the task, or {@code null}
	 * @throws OAuth2AuthenticationException {@code invalid_request} when malformed
	 */
	public static String task(Map<String, Object> parameters) {
		String task = single(parameters, "task");
		if (task == null || task.isEmpty()) {
			return null;
		}
		if (!TASK.matcher(task).matches()) {
			throw error(OAuth2ErrorCodes.INVALID_REQUEST, "task must be 1-128 characters of [A-Za-z0-9._:-]");
		}
		return task;
	}

	/**
	 * The lifetime asked for: {@code ttl} seconds capped by the policy's maximum and 24
	 * h, or the policy's default when omitted (an empty value counts as omitted, RFC 6749
	 * §3.1).
	 * @param parameters the request's additional parameters
	 * @param defaultTtl the lifetime when none is asked for
	 * @param maxTtl the agent's maximum
	 * @return the lifetime
	 * @throws OAuth2AuthenticationException {@code invalid_request} when malformed
	 */
	public static Duration ttl(Map<String, Object> parameters, Duration defaultTtl, Duration maxTtl) {
		return cappedTtl(requestedTtl(parameters), defaultTtl, maxTtl);
	}

	/**
	 * The {@code ttl} parameter, its syntax only: a positive whole number of seconds (an
	 * empty value counts as omitted, RFC 6749 §3.1).
	 * @param parameters the request's additional parameters
	 * @return the lifetime asked for, or {@code null} when none is
	 * @throws OAuth2AuthenticationException {@code invalid_request} when malformed
	 */
	public static Duration requestedTtl(Map<String, Object> parameters) {
		String ttl = single(parameters, "ttl");
		if (ttl == null || ttl.isEmpty()) {
			return null;
		}
		if (!TTL.matcher(ttl).matches()) {
			throw error(OAuth2ErrorCodes.INVALID_REQUEST, "ttl must be a positive whole number of seconds");
		}
		return Duration.ofSeconds(Long.parseLong(ttl));
	}

	/**
	 * The lifetime a token gets: the one asked for, else the policy's default, capped by
	 * the policy's maximum and 24 h.
	 * @param requested the lifetime asked for, or {@code null}
	 * @param defaultTtl the lifetime when none is asked for
	 * @param maxTtl the agent's maximum
	 * @return the lifetime
	 */
	public static Duration cappedTtl(Duration requested, Duration defaultTtl, Duration maxTtl) {
		Duration cap = (maxTtl.compareTo(MAX_TTL) < 0) ? maxTtl : MAX_TTL;
		Duration asked = (requested != null) ? requested : defaultTtl;
		return (asked.compareTo(cap) > 0) ? cap : asked;
	}

	/**
	 * The {@code resource} parameters (RFC 8707 §2): each an absolute URI without a
	 * fragment; may repeat.
	 * @param parameters the request's additional parameters
	 * @return the resources, empty when none
	 * @throws OAuth2AuthenticationException {@code invalid_target} when one is not
	 * acceptable
	 */
	public static List<String> resources(Map<String, Object> parameters) {
		Object value = parameters.get("resource");
		List<String> values = new ArrayList<>();
		if (value instanceof String text) {
			values.add(text);
		}
		else if (value instanceof String[] texts) {
			values.addAll(List.of(texts));
		}
		List<String> resources = new ArrayList<>(values.size());
		for (String resource : values) {
			if (resource.isEmpty()) {
				continue;
			}
			if (!isAbsoluteUriWithoutFragment(resource)) {
				// RFC 8707 §2: an absolute URI without a fragment, else invalid_target
				throw error("invalid_target", "resource must be an absolute URI without a fragment");
			}
			if (!resources.contains(resource)) {
				resources.add(resource);
			}
		}
		return resources;
	}

	private static boolean isAbsoluteUriWithoutFragment(String value) {
		if (value.length() > 2048) {
			return false;
		}
		try {
			URI uri = new URI(value);
			return uri.isAbsolute() && uri.getRawFragment() == null && !value.contains("#");
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	/**
	 * The authenticated client of a request, as the client authentication filter left it
	 * (the seam Spring's own providers read it from).
	 * @param principal the request's principal
	 * @return the authenticated client, with its registered client
	 * @throws OAuth2AuthenticationException {@code invalid_client} when there is none
	 */
	public static OAuth2ClientAuthenticationToken authenticatedClient(Object principal) {
		if (principal instanceof OAuth2ClientAuthenticationToken client && client.isAuthenticated()
				&& client.getRegisteredClient() != null) {
			return client;
		}
		throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
	}

	/**
	 * The {@code error_description} of a token request for scopes that need a human's
	 * approval ({@code humanOversight.requiredFor}, issue 19): they are granted only
	 * through the backchannel authentication endpoint (OpenID CIBA Core 1.0 §7).
	 * @param scopes the scopes
	 * @return the description
	 */
	public static String approvalRequired(java.util.Collection<String> scopes) {
		return "Scope needs a human's approval (humanOversight.requiredFor): "
				+ String.join(" ", new java.util.TreeSet<>(scopes))
				+ "; ask for it through the backchannel authentication endpoint /oauth2/bc-authorize (OpenID CIBA)";
	}

	/**
	 * An RFC 6749 §5.2 error.
	 * @param code the error code
	 * @param description the description (no secret, no token)
	 * @return the exception to throw
	 */
	public static OAuth2AuthenticationException error(String code, String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(code, description, RFC6749_ERRORS));
	}

}
