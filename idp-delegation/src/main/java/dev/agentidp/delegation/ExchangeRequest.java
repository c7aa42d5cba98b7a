package dev.agentidp.delegation;

import java.io.Serializable;
import java.math.BigDecimal;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.approvals.AuthorizationDetail;
import dev.agentidp.tokens.OAuthParameters;

import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * The parameters of a token-exchange request, checked for syntax (RFC 8693 §2.1,
 * docs/tokens.md "Contract") by {@link SubAgentTokenExchangeAuthenticationConverter}:
 * what the request says, in typed fields. Whether it may be granted is
 * {@link DelegationPolicy}'s to decide.
 *
 * @param subjectToken the token the parent holds
 * @param subAgent the sub-agent's name ({@code [A-Za-z0-9._-]{1,64}})
 * @param scopes the scopes asked for, RFC 6749 §3.3 scope-tokens, never empty
 * @param resources the {@code resource} URIs (RFC 8707 §2), empty when none
 * @param jwkJson the sub-agent's public key ({@code sub_agent_jwk}), or {@code null}
 * @param jwkThumbprint its RFC 7638 thumbprint, {@code null} exactly when there is no key
 * @param ttl the lifetime asked for ({@code ttl}), or {@code null}
 * @param budget the sub-budget to carve for the derived token ({@code budget}), or
 * {@code null}
 * @param authorizationDetails the RFC 9396 authorization details asked for (issue 19,
 * item 7: within the approved subject token's), or {@code null} for the subject token's
 */
record ExchangeRequest(String subjectToken, String subAgent, Set<String> scopes, List<String> resources, String jwkJson,
		String jwkThumbprint, Duration ttl, BigDecimal budget,
		List<AuthorizationDetail> authorizationDetails) implements Serializable {

	/** RFC 8693 §3: the token type of an OAuth access token. */
	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	private static final Pattern SUB_AGENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), at most 128 here. */
	private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

	/**
	 * The spaces between scope-tokens, compiled once: {@code String.split(" +")} compiled
	 * it on every exchange (1.5% of an exchange's CPU in a JFR profile, BENCHMARKS.md).
	 */
	private static final Pattern SPACES = Pattern.compile(" +");

	private static final int MAX_JWK_LENGTH = 4096;

	/**
	 * {@code budget}: a plain decimal (no sign, no exponent, so no {@code NaN} or
	 * {@code Infinity}), at most 13 integer and 18 fraction digits.
	 */
	private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]{0,12})(\\.[0-9]{1,18})?");

	/** The largest sub-budget, as the largest cost (1e12). */
	private static final BigDecimal MAX_BUDGET = new BigDecimal("1e12");

	/**
	 * A request without authorization details of its own.
	 */
	ExchangeRequest(String subjectToken, String subAgent, Set<String> scopes, List<String> resources, String jwkJson,
			String jwkThumbprint, Duration ttl, BigDecimal budget) {
		this(subjectToken, subAgent, scopes, resources, jwkJson, jwkThumbprint, ttl, budget, null);
	}

	/**
	 * Convenience for a request without a sub-budget.
	 */
	ExchangeRequest(String subjectToken, String subAgent, Set<String> scopes, List<String> resources, String jwkJson,
			String jwkThumbprint, Duration ttl) {
		this(subjectToken, subAgent, scopes, resources, jwkJson, jwkThumbprint, ttl, null);
	}

	/**
	 * Reads and checks the parameters of a request.
	 * @param parameters the form's parameters but the client authentication ones, each a
	 * {@code String}, or a {@code String[]} when repeated
	 * @return the request
	 * @throws org.springframework.security.oauth2.core.OAuth2AuthenticationException
	 * {@code invalid_request}, {@code invalid_scope} or {@code invalid_target} naming the
	 * first parameter that is not acceptable
	 */
	static ExchangeRequest read(Map<String, Object> parameters) {
		// RFC 8693 §2.1: subject_token and subject_token_type are required
		String subjectToken = OAuthParameters.single(parameters, "subject_token");
		if (subjectToken == null || subjectToken.isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "subject_token is required");
		}
		String subjectTokenType = OAuthParameters.single(parameters, "subject_token_type");
		if (!ACCESS_TOKEN_TYPE.equals(subjectTokenType)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"subject_token_type must be " + ACCESS_TOKEN_TYPE);
		}
		if (parameters.containsKey("actor_token") || parameters.containsKey("actor_token_type")) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"actor_token is not supported: the authenticating parent is the actor");
		}
		String requested = OAuthParameters.single(parameters, "requested_token_type");
		if (requested != null && !requested.isEmpty() && !ACCESS_TOKEN_TYPE.equals(requested)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"requested_token_type must be " + ACCESS_TOKEN_TYPE);
		}
		if (parameters.containsKey("audience")) {
			throw OAuthParameters.error("invalid_target", "audience is not supported here: name resource URIs");
		}
		String subAgent = OAuthParameters.single(parameters, "sub_agent");
		if (subAgent == null || !SUB_AGENT.matcher(subAgent).matches()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"sub_agent is required: 1-64 characters of [A-Za-z0-9._-]");
		}
		String scope = OAuthParameters.single(parameters, "scope");
		if (scope == null || scope.isBlank()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, "scope is required");
		}
		Set<String> scopes = new LinkedHashSet<>(Arrays.asList(SPACES.split(scope.trim())));
		// RFC 6749 §3.3: the scope is a list of scope-tokens (found by fuzzing: a
		// scope-token with control characters or '"' used to be passed on)
		if (!scopes.stream().allMatch((token) -> SCOPE_TOKEN.matcher(token).matches())) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"scope must be space-separated RFC 6749 §3.3 scope-tokens of at most 128 characters");
		}
		List<String> resources = OAuthParameters.resources(parameters);
		String jwkJson = OAuthParameters.single(parameters, "sub_agent_jwk");
		String thumbprint = null;
		if (jwkJson != null && !jwkJson.isEmpty()) {
			thumbprint = thumbprint(jwkJson);
		}
		else {
			jwkJson = null;
		}
		String details = OAuthParameters.single(parameters, "authorization_details");
		return new ExchangeRequest(subjectToken, subAgent, scopes, resources, jwkJson, thumbprint,
				OAuthParameters.requestedTtl(parameters), budget(parameters),
				(details != null && !details.isEmpty()) ? AuthorizationDetail.parse(details) : null);
	}

	/**
	 * The {@code budget} parameter: a decimal above 0 and at most 1e12; an empty value
	 * counts as omitted (RFC 6749 §3.1), a repeated one is refused (RFC 6749 §3.2).
	 */
	private static BigDecimal budget(Map<String, Object> parameters) {
		String value = OAuthParameters.single(parameters, "budget");
		if (value == null || value.isEmpty()) {
			return null;
		}
		BigDecimal amount = AMOUNT.matcher(value).matches() ? new BigDecimal(value) : null;
		if (amount == null || amount.signum() <= 0 || amount.compareTo(MAX_BUDGET) > 0) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"budget must be a decimal amount above 0 and at most 1000000000000, such as 2.50");
		}
		return amount;
	}

	/** RFC 7638 thumbprint of an acceptable public key (Ed25519 or P-256). */
	private static String thumbprint(String json) {
		if (json.length() > MAX_JWK_LENGTH) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "sub_agent_jwk is too large");
		}
		JWK jwk;
		try {
			jwk = JWK.parse(json);
		}
		catch (ParseException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "sub_agent_jwk must be a JWK (JSON)");
		}
		if (jwk.isPrivate()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"sub_agent_jwk must be a public key: it has a private part and was not used");
		}
		boolean ed25519 = jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
		boolean p256 = jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
		if (!ed25519 && !p256) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"sub_agent_jwk must be an Ed25519 (OKP) or P-256 (EC) public key");
		}
		try {
			return jwk.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "sub_agent_jwk cannot be thumbprinted");
		}
	}

}
