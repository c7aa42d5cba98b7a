package dev.agentidp.approvals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * One RFC 9396 authorization details entry of type {@value #TYPE}: a call of one tool's
 * action, optionally on one target and within a cost, with a summary of its arguments for
 * the approver to read.
 *
 * @param tool the tool's id, one the agent declares
 * @param action the action, one of the tool's permissions
 * @param target the one target the call may act on, or {@code null} for any
 * @param cost the most the call may cost, or {@code null} for any
 * @param arguments a summary of the call's arguments for the approver, or {@code null}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9396#section-2">RFC 9396 §2</a>
 */
public record AuthorizationDetail(String tool, String action, String target, BigDecimal cost,
		String arguments) implements java.io.Serializable {

	/** The one authorization details type this provider knows. */
	public static final String TYPE = "tool_call";

	public AuthorizationDetail {
		Assert.hasText(tool, "tool cannot be empty");
		Assert.hasText(action, "action cannot be empty");
	}

	/**
	 * The scope that covers the call: {@code <tool>:<action>}, as the policy decision
	 * point names it.
	 * @return the scope
	 */
	public String scope() {
		return this.tool + ":" + this.action;
	}

	/**
	 * Whether this approval covers a call (issue 19, item 5): the same tool and action,
	 * the same target when this names one, a cost within this one's when this names one.
	 * @param tool the tool called
	 * @param action the action
	 * @param target the call's target, or {@code null}
	 * @param cost the call's cost, or {@code null}
	 * @return {@code true} when covered
	 */
	public boolean covers(String tool, String action, String target, BigDecimal cost) {
		if (!this.tool.equals(tool) || !this.action.equals(action)) {
			return false;
		}
		if (this.target != null && !this.target.equals(target)) {
			return false;
		}
		return this.cost == null || (cost != null && cost.compareTo(this.cost) <= 0);
	}

	/**
	 * Whether this entry asks for no more than another (RFC 8693 narrowing applied to
	 * authorization details, issue 19, item 7): the same tool and action, the same target
	 * when the other names one, a cost within the other's when it names one.
	 * @param wider the other entry
	 * @return {@code true} when this is within it
	 */
	public boolean within(AuthorizationDetail wider) {
		if (!this.tool.equals(wider.tool) || !this.action.equals(wider.action)) {
			return false;
		}
		if (wider.target != null && !wider.target.equals(this.target)) {
			return false;
		}
		return wider.cost == null || (this.cost != null && this.cost.compareTo(wider.cost) <= 0);
	}

	/**
	 * The entry as the {@code authorization_details} claim carries it.
	 * @return a JSON object (type first)
	 */
	public Map<String, Object> claim() {
		Map<String, Object> claim = new LinkedHashMap<>();
		claim.put("type", TYPE);
		claim.put("tool", this.tool);
		claim.put("action", this.action);
		if (this.target != null) {
			claim.put("target", this.target);
		}
		if (this.cost != null) {
			claim.put("cost", this.cost.toPlainString());
		}
		if (this.arguments != null) {
			claim.put("arguments", this.arguments);
		}
		return claim;
	}

	/**
	 * The entries of a token's {@code authorization_details} claim, as {@link #claim()}
	 * wrote them; anything else is no entry.
	 * @param claim the claim's value, or {@code null}
	 * @return the entries (empty when there is no claim or it is not ours)
	 */
	public static List<AuthorizationDetail> fromClaim(Object claim) {
		List<AuthorizationDetail> details = new ArrayList<>();
		if (!(claim instanceof List<?> entries)) {
			return details;
		}
		for (Object entry : entries) {
			if (entry instanceof Map<?, ?> map && TYPE.equals(map.get("type")) && map.get("tool") instanceof String tool
					&& map.get("action") instanceof String action && !tool.isEmpty() && !action.isEmpty()) {
				String target = (map.get("target") instanceof String text) ? text : null;
				BigDecimal cost = (map.get("cost") != null) ? new BigDecimal(String.valueOf(map.get("cost"))) : null;
				String arguments = (map.get("arguments") instanceof String text) ? text : null;
				details.add(new AuthorizationDetail(tool, action, target, cost, arguments));
			}
		}
		return details;
	}

	/**
	 * Reads an {@code authorization_details} request parameter (RFC 9396 §2): at most 8
	 * KiB, a JSON array of 1 to 16 {@value #TYPE} objects with {@code tool} and
	 * {@code action}, optional {@code target}, {@code cost} (≥ 0) and {@code arguments},
	 * nothing else.
	 * @param parameter the parameter's value
	 * @return the entries, without duplicates
	 * @throws org.springframework.security.oauth2.core.OAuth2AuthenticationException
	 * {@code invalid_request} (not a JSON array, too large) or
	 * {@code invalid_authorization_details} (RFC 9396 §5: an unknown type, a bad member)
	 */
	public static List<AuthorizationDetail> parse(String parameter) {
		return BackchannelRequestPolicy.details(parameter);
	}

	/**
	 * The entries as the claim carries them.
	 * @param details the entries
	 * @return the claim's value
	 */
	public static List<Map<String, Object>> claim(List<AuthorizationDetail> details) {
		return details.stream().map(AuthorizationDetail::claim).toList();
	}

}
