package dev.agentidp.policy;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * One AuthZEN access evaluation request, as the policy decision point reads it (the HTTP
 * edge has checked its syntax).
 *
 * @param subjectId {@code subject.id}: the agent said to act (an agent's id)
 * @param token {@code subject.properties.token}: the agent's access token
 * @param action {@code action.name}
 * @param resourceType {@code resource.type}
 * @param resourceId {@code resource.id}
 * @param resourceProperties {@code resource.properties} (JSON values, {@code null} among
 * them), e.g. {@code target}
 * @param cost {@code context.cost}, zero or positive; zero when not given
 * @param arguments {@code context.arguments} (JSON values)
 * @param dpop {@code subject.properties.dpop_proof}, {@code htm} and {@code htu}
 * ({@link DpopPresentation#NONE} when not given)
 */
public record AccessRequest(String subjectId, String token, String action, ResourceType resourceType, String resourceId,
		Map<String, Object> resourceProperties, BigDecimal cost, Map<String, Object> arguments, DpopPresentation dpop) {

	/** The largest cost a request may name. */
	public static final BigDecimal MAX_COST = new BigDecimal("1e12");

	public AccessRequest {
		Assert.hasText(subjectId, "subjectId cannot be empty");
		Assert.hasText(token, "token cannot be empty");
		Assert.hasText(action, "action cannot be empty");
		Assert.notNull(resourceType, "resourceType cannot be null");
		Assert.hasText(resourceId, "resourceId cannot be empty");
		resourceProperties = (resourceProperties != null)
				? Collections.unmodifiableMap(new LinkedHashMap<>(resourceProperties)) : Map.of();
		cost = (cost != null) ? cost : BigDecimal.ZERO;
		Assert.isTrue(cost.signum() >= 0 && cost.compareTo(MAX_COST) <= 0, "cost must be between 0 and 1e12");
		arguments = (arguments != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(arguments)) : Map.of();
		dpop = (dpop != null) ? dpop : DpopPresentation.NONE;
	}

	/**
	 * A request without a DPoP proof.
	 * @param subjectId {@code subject.id}
	 * @param token {@code subject.properties.token}
	 * @param action {@code action.name}
	 * @param resourceType {@code resource.type}
	 * @param resourceId {@code resource.id}
	 * @param resourceProperties {@code resource.properties}
	 * @param cost {@code context.cost}
	 * @param arguments {@code context.arguments}
	 */
	public AccessRequest(String subjectId, String token, String action, ResourceType resourceType, String resourceId,
			Map<String, Object> resourceProperties, BigDecimal cost, Map<String, Object> arguments) {
		this(subjectId, token, action, resourceType, resourceId, resourceProperties, cost, arguments,
				DpopPresentation.NONE);
	}

	/**
	 * The scope that covers this action: {@code <tool id>:<permission>} for a tool,
	 * {@code <resource>:<access>} for data (docs/policy.md, rule 3).
	 * @return the scope
	 */
	public String scope() {
		return this.resourceId + ":" + this.action;
	}

	/**
	 * {@code resource.properties.target}, when it is a string.
	 * @return the target, or {@code null}
	 */
	public String target() {
		return (this.resourceProperties.get("target") instanceof String target) ? target : null;
	}

	/**
	 * This request with another action, for searches.
	 * @param otherAction the action
	 * @return the request
	 */
	AccessRequest withAction(String otherAction) {
		return new AccessRequest(this.subjectId, this.token, otherAction, this.resourceType, this.resourceId,
				this.resourceProperties, this.cost, this.arguments, this.dpop);
	}

	/**
	 * This request about another resource, for searches.
	 * @param otherId the resource id
	 * @return the request
	 */
	AccessRequest withResource(String otherId) {
		return new AccessRequest(this.subjectId, this.token, this.action, this.resourceType, otherId,
				this.resourceProperties, this.cost, this.arguments, this.dpop);
	}

}
