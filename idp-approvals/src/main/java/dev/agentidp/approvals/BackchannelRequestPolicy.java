package dev.agentidp.approvals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.Emails;
import dev.agentidp.tokens.OAuthParameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The rules of a backchannel authentication request (OpenID CIBA Core 1.0 §7.1, with RFC
 * 9396 authorization details), in the order they are checked:
 * <ol>
 * <li>only a root agent asks ({@code unauthorized_client}: a sub-agent receives an
 * approved action only by exchange of the approved token);</li>
 * <li>its {@code humanOversight.approvers} lists a role, so that someone can decide
 * ({@code invalid_request});</li>
 * <li>{@code binding_message}: at most {@value #MAX_BINDING_MESSAGE} characters, no
 * control character (CIBA §7.1, {@code invalid_binding_message});</li>
 * <li>{@code authorization_details}: required, at most {@value #MAX_DETAILS_BYTES} bytes,
 * a JSON array of 1 to {@value #MAX_DETAILS} objects ({@code invalid_request}), each of
 * type {@code tool_call} with {@code tool} and {@code action} strings and optional
 * {@code target} (string), {@code cost} (a number ≥ 0) and {@code arguments} (string),
 * nothing else (RFC 9396 §5, {@code invalid_authorization_details});</li>
 * <li>each entry names a tool the agent declares and one of its permissions
 * ({@code invalid_authorization_details});</li>
 * <li>{@code scope}: each among the agent's capabilities ({@code invalid_scope}); when
 * absent, the entries' scopes; each entry's scope ({@code tool:action}) is among them
 * ({@code invalid_authorization_details});</li>
 * <li>{@code login_hint}: an e-mail, not the agent's owner unless owners may approve
 * ({@code unknown_user_id}, CIBA §13);</li>
 * <li>{@code requested_expiry}: a whole number of seconds, 1 to
 * {@value #MAX_EXPIRY_SECONDS} ({@code invalid_request}); default
 * {@code idp.approvals.default-expiry}.</li>
 * </ol>
 * A pure function of the agent's document and the request: each rule is unit-tested.
 *
 * @see <a href=
 * "https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#auth_request">CIBA
 * Core 1.0 §7.1</a>
 */
final class BackchannelRequestPolicy {

	/** CIBA §7.1: the binding message is short, to be shown on a device. */
	static final int MAX_BINDING_MESSAGE = 128;

	/** The largest {@code authorization_details} parameter, in bytes. */
	static final int MAX_DETAILS_BYTES = 8 * 1024;

	/** The most entries one request may ask for. */
	static final int MAX_DETAILS = 16;

	/** The longest a request may wait for its decision (1 h). */
	static final int MAX_EXPIRY_SECONDS = 3600;

	/** CIBA §13: the binding message is invalid or unacceptable. */
	static final String INVALID_BINDING_MESSAGE = "invalid_binding_message";

	/** CIBA §13: the {@code login_hint} names no one who may approve. */
	static final String UNKNOWN_USER_ID = "unknown_user_id";

	/** RFC 9396 §5: the authorization details are not acceptable. */
	static final String INVALID_AUTHORIZATION_DETAILS = "invalid_authorization_details";

	private static final Set<String> MEMBERS = Set.of("type", "tool", "action", "target", "cost", "arguments");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Duration defaultExpiry;

	private final boolean ownerMayApprove;

	/**
	 * @param defaultExpiry the expiry when the request names none
	 * @param ownerMayApprove {@code idp.approvals.allow-owner-approval}
	 */
	BackchannelRequestPolicy(Duration defaultExpiry, boolean ownerMayApprove) {
		Assert.notNull(defaultExpiry, "defaultExpiry cannot be null");
		this.defaultExpiry = defaultExpiry;
		this.ownerMayApprove = ownerMayApprove;
	}

	/**
	 * Decides a request.
	 * @param agent the agent asking, as its document says now
	 * @param parameters the request's parameters (single values)
	 * @param now the time
	 * @return what is to be approved
	 * @throws OAuth2AuthenticationException naming the first rule the request breaks
	 */
	Asked decide(Agent agent, Map<String, String> parameters, Instant now) {
		Assert.notNull(agent, "agent cannot be null");
		Assert.notNull(parameters, "parameters cannot be null");
		if (agent.isDerived()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
					"A derived sub-agent receives an approved action only by exchange of its parent's approved token");
		}
		// no one could decide: the request would only expire
		if (agent.profile().humanOversight().approvers().isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"The agent's humanOversight.approvers lists no role: no one could decide this request");
		}
		String bindingMessage = bindingMessage(parameters.get("binding_message"));
		List<AuthorizationDetail> details = details(parameters.get("authorization_details"));
		for (int i = 0; i < details.size(); i++) {
			AuthorizationDetail detail = details.get(i);
			boolean declared = agent.profile()
				.tools()
				.stream()
				.anyMatch((tool) -> tool.id().equals(detail.tool()) && tool.permissions().contains(detail.action()));
			if (!declared) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, "authorization_details[" + i + "]: tool "
						+ detail.tool() + " with action " + detail.action() + " is not declared by the agent");
			}
		}
		Set<String> scopes = scopes(parameters.get("scope"), details);
		if (!agent.scopes().containsAll(scopes)) {
			Set<String> outside = new TreeSet<>(scopes);
			outside.removeAll(agent.scopes());
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE,
					"Scope outside the agent's capabilities: " + String.join(" ", outside));
		}
		for (int i = 0; i < details.size(); i++) {
			if (!scopes.contains(details.get(i).scope())) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, "authorization_details[" + i + "]: scope "
						+ details.get(i).scope() + " is not among the scopes asked for");
			}
		}
		String loginHint = loginHint(agent, parameters.get("login_hint"));
		Duration expiry = expiry(parameters.get("requested_expiry"));
		return new Asked(scopes, details, bindingMessage, loginHint, now.plus(expiry));
	}

	private static String bindingMessage(String message) {
		if (message == null) {
			return null;
		}
		if (message.isEmpty() || message.codePointCount(0, message.length()) > MAX_BINDING_MESSAGE) {
			throw OAuthParameters.error(INVALID_BINDING_MESSAGE,
					"binding_message must be 1 to " + MAX_BINDING_MESSAGE + " characters");
		}
		if (message.codePoints()
			.anyMatch((c) -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
			throw OAuthParameters.error(INVALID_BINDING_MESSAGE,
					"binding_message must not contain control, format or unpaired surrogate characters");
		}
		return message;
	}

	/**
	 * A character an approver could not read or that could hide what they read: a control
	 * or format character (bidirectional overrides included), a lone surrogate, a
	 * noncharacter.
	 */
	static boolean unprintable(int c) {
		int type = Character.getType(c);
		return Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
				|| (c & 0xFFFE) == 0xFFFE;
	}

	static List<AuthorizationDetail> details(String raw) {
		if (!StringUtils.hasText(raw)) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"authorization_details is required: what exactly the approver approves");
		}
		if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_DETAILS_BYTES) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"authorization_details must be at most " + MAX_DETAILS_BYTES + " bytes");
		}
		JsonNode array;
		try {
			array = JSON.readTree(raw);
		}
		catch (JacksonException ex) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST, "authorization_details must be a JSON array");
		}
		if (array == null || !array.isArray() || array.isEmpty() || array.size() > MAX_DETAILS) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"authorization_details must be a JSON array of 1 to " + MAX_DETAILS + " objects");
		}
		List<AuthorizationDetail> details = new ArrayList<>();
		for (int i = 0; i < array.size(); i++) {
			details.add(detail(array.get(i), "authorization_details[" + i + "]"));
		}
		return List.copyOf(new LinkedHashSet<>(details));
	}

	private static AuthorizationDetail detail(JsonNode entry, String path) {
		if (!entry.isObject()) {
			throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, path + " must be an object");
		}
		JsonNode type = entry.get("type");
		if (type == null || !type.isString() || !AuthorizationDetail.TYPE.equals(type.asString())) {
			throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS,
					path + ".type must be " + AuthorizationDetail.TYPE + " (authorization_details_types_supported)");
		}
		for (Iterator<String> names = entry.propertyNames().iterator(); names.hasNext();) {
			String name = names.next();
			if (!MEMBERS.contains(name)) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, path + "." + name + " is not a member of "
						+ AuthorizationDetail.TYPE + " (type, tool, action, target, cost, arguments)");
			}
		}
		String tool = text(entry, "tool", path, true, 64);
		String action = text(entry, "action", path, true, 64);
		String target = text(entry, "target", path, false, 512);
		String arguments = text(entry, "arguments", path, false, 1024);
		BigDecimal cost = null;
		JsonNode costNode = entry.get("cost");
		if (costNode != null) {
			if (!costNode.isNumber() || costNode.decimalValue().signum() < 0
					|| costNode.decimalValue().precision() > 30) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, path + ".cost must be a number >= 0");
			}
			cost = costNode.decimalValue().stripTrailingZeros();
		}
		return new AuthorizationDetail(tool, action, target, cost, arguments);
	}

	private static String text(JsonNode entry, String name, String path, boolean required, int max) {
		JsonNode node = entry.get(name);
		if (node == null) {
			if (required) {
				throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS, path + "." + name + " is required");
			}
			return null;
		}
		if (!node.isString() || node.asString().isBlank() || node.asString().length() > max
				|| node.asString().codePoints().anyMatch(BackchannelRequestPolicy::unprintable)) {
			throw OAuthParameters.error(INVALID_AUTHORIZATION_DETAILS,
					path + "." + name + " must be a string of 1 to " + max + " printable characters");
		}
		return node.asString();
	}

	private static Set<String> scopes(String scope, List<AuthorizationDetail> details) {
		if (scope == null) {
			Set<String> scopes = new TreeSet<>();
			details.forEach((detail) -> scopes.add(detail.scope()));
			return scopes;
		}
		Set<String> scopes = new TreeSet<>(List.of(scope.trim().split(" +")));
		scopes.remove("");
		if (scopes.isEmpty()) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_SCOPE, "scope must not be empty");
		}
		return scopes;
	}

	private String loginHint(Agent agent, String loginHint) {
		if (loginHint == null) {
			return null;
		}
		if (!Emails.isValid(loginHint)) {
			throw OAuthParameters.error(UNKNOWN_USER_ID, "login_hint must be an approver's e-mail");
		}
		// separation of duties: the owner cannot be the one approver named
		if (!this.ownerMayApprove && loginHint.equalsIgnoreCase(agent.owner())) {
			throw OAuthParameters.error(UNKNOWN_USER_ID,
					"login_hint names the agent's owner, who may not approve their own agent's requests");
		}
		return loginHint;
	}

	private Duration expiry(String requested) {
		if (requested == null) {
			return this.defaultExpiry;
		}
		int seconds;
		try {
			seconds = Integer.parseInt(requested);
		}
		catch (NumberFormatException ex) {
			seconds = -1;
		}
		if (seconds < 1 || seconds > MAX_EXPIRY_SECONDS || !requested.equals(Integer.toString(seconds))) {
			throw OAuthParameters.error(OAuth2ErrorCodes.INVALID_REQUEST,
					"requested_expiry must be a whole number of seconds from 1 to " + MAX_EXPIRY_SECONDS);
		}
		return Duration.ofSeconds(seconds);
	}

	/**
	 * What is to be approved.
	 *
	 * @param scopes the scopes the approved token will carry
	 * @param details the authorization details
	 * @param bindingMessage the binding message, or {@code null}
	 * @param loginHint the approver named, or {@code null}
	 * @param expiresAt when the request expires
	 */
	record Asked(Set<String> scopes, List<AuthorizationDetail> details, String bindingMessage, String loginHint,
			Instant expiresAt) {
	}

}
