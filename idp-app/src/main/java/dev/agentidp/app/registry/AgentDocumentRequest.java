package dev.agentidp.app.registry;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import dev.agentidp.app.registry.AgentDocumentRules.Description;
import dev.agentidp.app.registry.ReferenceRules.Distinct;
import dev.agentidp.app.registry.ReferenceRules.DistinctScopes;
import dev.agentidp.app.registry.ReferenceRules.HttpUrl;
import dev.agentidp.app.registry.AgentDocumentRules.Name;
import dev.agentidp.app.registry.AgentDocumentRules.OneOf;
import dev.agentidp.app.registry.AgentDocumentRules.Owner;
import dev.agentidp.app.registry.ReferenceRules.Resource;
import dev.agentidp.app.registry.ReferenceRules.Scope;
import dev.agentidp.app.registry.AgentDocumentRules.Text;
import dev.agentidp.registry.Access;
import dev.agentidp.registry.AnomalyPolicy;
import dev.agentidp.registry.AnomalyReaction;
import dev.agentidp.registry.AgentAttestation;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AttestationMismatch;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.Environment;
import dev.agentidp.registry.HumanOversight;
import dev.agentidp.registry.ProofOfPossession;
import dev.agentidp.registry.RiskLevel;
import dev.agentidp.registry.Sensitivity;
import dev.agentidp.registry.TaskBudget;
import dev.agentidp.registry.TokenPolicy;
import dev.agentidp.registry.Tool;
import dev.agentidp.registry.WorkloadIdentities;
import dev.agentidp.registry.WorkloadIdentity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The identity document an administrator writes (docs/api.md "Contract"): the body of
 * {@code POST /admin/v1/agents}, with {@code jwk} or {@code generateKey}, and what a
 * {@code PATCH} makes of the current document (without them). The admin API's input rules
 * for it are its constraints ({@link AgentDocumentRules}, {@link ReferenceRules}, checked
 * in the members' order); a member it does not have is refused, one only the server sets
 * too.
 *
 * @param name required; {@code [A-Za-z0-9._-]{1,64}}
 * @param owner required; an email address
 * @param team optional text
 * @param platform optional text
 * @param environment {@code dev}, {@code staging} or {@code prod}
 * @param description optional; at most 2,048 characters
 * @param role optional text
 * @param capabilities at least one
 * @param tools the tools it calls
 * @param resources further audiences its tokens may name (RFC 8707)
 * @param dataAccess the data it touches
 * @param humanOversight what needs a human's approval
 * @param tokenPolicy its token policy; each member defaulted
 * @param workloadIdentity the workload identities it may authenticate with instead of its
 * key (docs/workload-identity.md), at most 16, each once
 * @param attestation what its client attestations must show (docs/workload-identity.md
 * "Attestation"), or {@code null}
 * @param jwk a public JWK, on registration
 * @param generateKey {@code true} to have a key pair generated, on registration
 * <p>
 * About 300 lines of nested records, one per member of the document: the whole input
 * contract of an identity document in one place.
 */
@AdminBody(unknownField = "{field}: is not a field of the identity document",
		serverSet = { "id", "status", "version", "riskLevel", "parentId", "keys", "createdAt", "updatedAt" })
@KeyChoice.OneKey(groups = AgentDocumentRequest.Registration.class)
record AgentDocumentRequest(@NotNull(message = "is required") @Name String name,
		@NotNull(message = "is required") @Owner String owner, @Text(max = 128) String team,
		@Text(max = 128) String platform, @OneOf(value = Environment.class, text = true) String environment,
		@Description String description, @Text(max = 128) String role,
		@NotNull(message = "is required: at least one capability") @Size(min = 1,
				message = "must hold at least one capability") @Size(max = 256,
						message = "must hold at most 256 elements") @DistinctScopes List<@NotNull(
								message = "must be a JSON object") @Valid CapabilityRequest> capabilities,
		@Size(max = 256,
				message = "must hold at most 256 elements") List<@NotNull(
						message = "must be a JSON object") @Valid ToolRequest> tools,
		@Size(max = 256,
				message = "must hold at most 256 elements") @Distinct List<@NotNull(
						message = "must be a string") @Resource String> resources,
		@Size(max = 256,
				message = "must hold at most 256 elements") List<@NotNull(
						message = "must be a JSON object") @Valid DataAccessRequest> dataAccess,
		@Valid HumanOversightRequest humanOversight, @Valid TokenPolicyRequest tokenPolicy,
		@Size(max = WorkloadIdentity.MAX_PER_AGENT,
				message = "must hold at most " + WorkloadIdentity.MAX_PER_AGENT + " elements") List<@NotNull(
						message = "must be a JSON object") @Valid WorkloadIdentityRequest> workloadIdentity,
		@Valid AttestationRequest attestation,
		@WrongType("jwk: must be a JSON object (a public JWK)") Map<String, Object> jwk,
		Boolean generateKey) implements KeyChoice {

	/** The members an administrator writes (a merge patch may name only these). */
	static final List<String> WRITABLE = List.of("name", "owner", "team", "platform", "environment", "description",
			"role", "capabilities", "tools", "resources", "dataAccess", "humanOversight", "tokenPolicy",
			"workloadIdentity", "attestation");

	@Override
	public boolean keyOptional() {
		return this.workloadIdentity != null && !this.workloadIdentity.isEmpty();
	}

	/** The validation group of the rules only a registration has (its key). */
	interface Registration {

	}

	/**
	 * The profile the document describes; call it on a checked document.
	 * @return the profile
	 */
	AgentProfile toProfile() {
		return new AgentProfile(this.name, this.owner, this.team, this.platform,
				(this.environment != null) ? Environment.from(this.environment).orElseThrow() : null, this.description,
				this.role, this.capabilities.stream().map(CapabilityRequest::toCapability).toList(),
				(this.tools != null) ? this.tools.stream().map(ToolRequest::toTool).toList() : null, this.resources,
				(this.dataAccess != null) ? this.dataAccess.stream().map(DataAccessRequest::toDataAccess).toList()
						: null,
				(this.humanOversight != null) ? this.humanOversight.toHumanOversight() : null,
				(this.tokenPolicy != null) ? this.tokenPolicy.toTokenPolicy() : null,
				(this.workloadIdentity != null)
						? this.workloadIdentity.stream().map(WorkloadIdentityRequest::toWorkloadIdentity).toList()
						: null,
				(this.attestation != null) ? this.attestation.toAttestation() : null);
	}

	/**
	 * What the agent's client attestations must show (docs/workload-identity.md
	 * "Attestation"); the rules of the attesters and the pinned claims are the registry's
	 * (400 naming the member).
	 *
	 * @param required whether every token request must carry one; {@code false} by
	 * default
	 * @param attesters required; 1-16 trusted issuers of kind {@code attester}
	 * @param claims required; the pinned {@code image_digest}, {@code config_digest},
	 * {@code model}
	 */
	record AttestationRequest(Boolean required,
			@NotNull(message = "is required: the attesters whose attestations are accepted") @Size(max = 16,
					message = "must hold at most 16 elements") List<@NotNull(
							message = "must be a string") String> attesters,
			@NotNull(
					message = "is required: the pinned claims") @WrongType("attestation.claims: must be a JSON object of strings") Map<String, String> claims) {

		AgentAttestation toAttestation() {
			return new AgentAttestation(Boolean.TRUE.equals(this.required), this.attesters, this.claims);
		}

	}

	/**
	 * A workload identity (docs/workload-identity.md).
	 *
	 * @param issuer required; the issuer of its tokens, an absolute URL
	 * @param subject required; their {@code sub} (a Kubernetes service account, a SPIFFE
	 * ID)
	 */
	record WorkloadIdentityRequest(@NotNull(message = "is required") @WorkloadIdentityRequest.Issuer String issuer,
			@NotNull(message = "is required") @WorkloadIdentityRequest.Subject String subject) {

		WorkloadIdentity toWorkloadIdentity() {
			return new WorkloadIdentity(this.issuer, this.subject);
		}

		/** {@link WorkloadIdentities#isIssuer}. */
		@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
		@java.lang.annotation.Target(java.lang.annotation.ElementType.FIELD)
		@jakarta.validation.Constraint(validatedBy = Issuer.Check.class)
		@interface Issuer {

			String message() default WorkloadIdentities.ISSUER_RULE;

			Class<?>[] groups() default {};

			Class<? extends jakarta.validation.Payload>[] payload() default {};

			/** Checks {@link Issuer}. */
			class Check implements jakarta.validation.ConstraintValidator<Issuer, String> {

				@Override
				public boolean isValid(String value, jakarta.validation.ConstraintValidatorContext context) {
					return value == null || WorkloadIdentities.isIssuer(value);
				}

			}

		}

		/** {@link WorkloadIdentities#isSubject}. */
		@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
		@java.lang.annotation.Target(java.lang.annotation.ElementType.FIELD)
		@jakarta.validation.Constraint(validatedBy = Subject.Check.class)
		@interface Subject {

			String message() default WorkloadIdentities.SUBJECT_RULE;

			Class<?>[] groups() default {};

			Class<? extends jakarta.validation.Payload>[] payload() default {};

			/** Checks {@link Subject}. */
			class Check implements jakarta.validation.ConstraintValidator<Subject, String> {

				@Override
				public boolean isValid(String value, jakarta.validation.ConstraintValidatorContext context) {
					return value == null || WorkloadIdentities.isSubject(value);
				}

			}

		}

	}

	/**
	 * A capability.
	 *
	 * @param scope required; an RFC 6749 §3.3 {@code scope-token}, none of the provider's
	 * {@code idp:} scopes
	 * @param description optional
	 * @param riskLevel required; {@code low}, {@code medium}, {@code high} or
	 * {@code critical}
	 * @param condition optional; a CEL expression the policy decision point requires true
	 * (docs/policy.md), compiled when the document is written
	 */
	record CapabilityRequest(@NotNull(message = "is required") @Scope(capability = true) String scope,
			@Description String description, @NotNull(message = "is required") @OneOf(RiskLevel.class) String riskLevel,
			@Description String condition) {

		Capability toCapability() {
			return new Capability(this.scope, this.description, RiskLevel.from(this.riskLevel).orElseThrow(),
					this.condition);
		}

	}

	/**
	 * A tool.
	 *
	 * @param id required text
	 * @param mcpServer required; an absolute {@code http} or {@code https} URL
	 * @param permissions text
	 */
	record ToolRequest(@NotNull(message = "is required") @Text(max = 128) String id,
			@NotNull(message = "is required") @HttpUrl String mcpServer,
			@Size(max = 256, message = "must hold at most 256 elements") List<@NotNull(
					message = "must be a string") @Text(max = 128) String> permissions) {

		Tool toTool() {
			return new Tool(this.id, this.mcpServer, this.permissions);
		}

	}

	/**
	 * A data resource.
	 *
	 * @param resource required text
	 * @param access required; {@code read}, {@code write} or {@code delete}
	 * @param sensitivity required; {@code public}, {@code internal}, {@code confidential}
	 * or {@code restricted}
	 * @param condition optional; a CEL expression, as a capability's
	 */
	record DataAccessRequest(@NotNull(message = "is required") @Text(max = 256) String resource,
			@NotNull(message = "is required") @OneOf(Access.class) String access,
			@NotNull(message = "is required") @OneOf(Sensitivity.class) String sensitivity,
			@Description String condition) {

		DataAccess toDataAccess() {
			return new DataAccess(this.resource, Access.from(this.access).orElseThrow(),
					Sensitivity.from(this.sensitivity).orElseThrow(), this.condition);
		}

	}

	/**
	 * Human oversight.
	 *
	 * @param requiredFor scopes
	 * @param approvers text
	 */
	record HumanOversightRequest(
			@Size(max = 256,
					message = "must hold at most 256 elements") List<@NotNull(
							message = "must be a string") @Scope String> requiredFor,
			@Size(max = 256, message = "must hold at most 256 elements") List<@NotNull(
					message = "must be a string") @Text(max = 128) String> approvers) {

		HumanOversight toHumanOversight() {
			return new HumanOversight(this.requiredFor, this.approvers);
		}

	}

	/**
	 * A token policy, each member defaulted; declared in the order its rules are checked.
	 *
	 * @param maxTtlSeconds 1 to 86,400 (24 h); 3,600 by default
	 * @param defaultTtlSeconds 1 to {@code maxTtlSeconds}; 900 (or {@code maxTtlSeconds}
	 * when lower) by default
	 * @param maxDelegationDepth 0 to 16; 3 by default
	 * @param maxSubAgents 0 to 10,000; 100 by default
	 * @param budget optional; what one task may spend at the policy decision point
	 * @param proofOfPossession {@code none} (default), {@code dpop} or
	 * {@code dpop-registered-key} (RFC 9449, docs/tokens.md)
	 * @param approvedTokenTtlSeconds 1 to 3,600; 300 by default: the longest a token
	 * issued on a human's approval lives (docs/approvals.md)
	 * @param anomaly optional; the agent's own anomaly thresholds and reactions
	 * (docs/signals.md "Rules")
	 * @param onAttestationMismatch {@code deny} (default) or {@code suspend}: what a
	 * client attestation that does not match the pinned claims does besides being refused
	 */
	@TokenPolicyRequest.DefaultWithinMax
	record TokenPolicyRequest(
			@Min(value = 1, message = TokenPolicy.TTL_RULE) @Max(value = TokenPolicy.MAX_TTL_SECONDS,
					message = TokenPolicy.TTL_RULE) Integer maxTtlSeconds,
			@Min(value = 1, message = TokenPolicy.TTL_RULE) @Max(value = TokenPolicy.MAX_TTL_SECONDS,
					message = TokenPolicy.TTL_RULE) Integer defaultTtlSeconds,
			@Min(value = 0, message = TokenPolicy.DELEGATION_DEPTH_RULE) @Max(value = TokenPolicy.MAX_DELEGATION_DEPTH,
					message = TokenPolicy.DELEGATION_DEPTH_RULE) Integer maxDelegationDepth,
			@Min(value = 0, message = TokenPolicy.SUB_AGENTS_RULE) @Max(value = TokenPolicy.MAX_SUB_AGENTS,
					message = TokenPolicy.SUB_AGENTS_RULE) Integer maxSubAgents,
			@Valid TaskBudgetRequest budget, @OneOf(ProofOfPossession.class) String proofOfPossession,
			@Min(value = 1, message = TokenPolicy.APPROVED_TTL_RULE) @Max(
					value = TokenPolicy.MAX_APPROVED_TOKEN_TTL_SECONDS,
					message = TokenPolicy.APPROVED_TTL_RULE) Integer approvedTokenTtlSeconds,
			@Valid AnomalyPolicyRequest anomaly, @OneOf(AttestationMismatch.class) String onAttestationMismatch) {

		int maxTtl() {
			return (this.maxTtlSeconds != null) ? this.maxTtlSeconds : TokenPolicy.DEFAULT.maxTtlSeconds();
		}

		int defaultTtl() {
			return (this.defaultTtlSeconds != null) ? this.defaultTtlSeconds
					: Math.min(TokenPolicy.DEFAULT.defaultTtlSeconds(), maxTtl());
		}

		TokenPolicy toTokenPolicy() {
			return new TokenPolicy(defaultTtl(), maxTtl(),
					(this.maxDelegationDepth != null) ? this.maxDelegationDepth
							: TokenPolicy.DEFAULT.maxDelegationDepth(),
					(this.maxSubAgents != null) ? this.maxSubAgents : TokenPolicy.DEFAULT_MAX_SUB_AGENTS,
					(this.budget != null) ? this.budget.toTaskBudget() : null,
					(this.proofOfPossession != null) ? ProofOfPossession.from(this.proofOfPossession).orElseThrow()
							: ProofOfPossession.NONE,
					(this.approvedTokenTtlSeconds != null) ? this.approvedTokenTtlSeconds
							: TokenPolicy.DEFAULT_APPROVED_TOKEN_TTL_SECONDS,
					(this.anomaly != null) ? this.anomaly.toAnomalyPolicy() : AnomalyPolicy.NONE,
					(this.onAttestationMismatch != null)
							? AttestationMismatch.from(this.onAttestationMismatch).orElseThrow()
							: AttestationMismatch.DENY);
		}

		/** {@code defaultTtlSeconds} at most {@code maxTtlSeconds}. */
		@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
		@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
		@jakarta.validation.Constraint(validatedBy = DefaultWithinMax.Check.class)
		@interface DefaultWithinMax {

			String message() default "defaultTtlSeconds must not exceed maxTtlSeconds";

			Class<?>[] groups() default {};

			Class<? extends jakarta.validation.Payload>[] payload() default {};

			/** Checks {@link DefaultWithinMax}, once both lifetimes are within bounds. */
			class Check implements jakarta.validation.ConstraintValidator<DefaultWithinMax, TokenPolicyRequest> {

				@Override
				public boolean isValid(TokenPolicyRequest policy,
						jakarta.validation.ConstraintValidatorContext context) {
					if (policy == null || !inBounds(policy.maxTtl()) || !inBounds(policy.defaultTtl())
							|| policy.defaultTtl() <= policy.maxTtl()) {
						return true;
					}
					context.disableDefaultConstraintViolation();
					context
						.buildConstraintViolationWithTemplate(
								AgentDocumentRules.literal(TokenPolicy.defaultWithinMaxRule(policy.maxTtl())))
						.addPropertyNode("defaultTtlSeconds")
						.addConstraintViolation();
					return false;
				}

				private static boolean inBounds(int ttl) {
					return ttl >= 1 && ttl <= TokenPolicy.MAX_TTL_SECONDS;
				}

			}

		}

	}

	/**
	 * What one task may spend (docs/policy.md, "Budget").
	 *
	 * @param unit required; 1-16 of {@code [A-Za-z0-9._-]}, e.g. {@code usd}
	 * @param perTask required; above 0, at most 1e12
	 * @param reserveAbove the share of {@code perTask} from which the rest is reserved
	 * for essential work: above 0, at most 1; 1 (nothing reserved) by default
	 * @param highCost from this cost on, a call is expensive once the budget is reserved:
	 * above 0; {@code perTask} by default
	 */
	record TaskBudgetRequest(
			@NotNull(message = "is required") @jakarta.validation.constraints.Pattern(regexp = "[A-Za-z0-9._-]{1,16}",
					message = "must be 1-16 of [A-Za-z0-9._-]") String unit,
			@NotNull(message = "is required") @DecimalMin(value = "0", inclusive = false,
					message = PER_TASK_RULE) @DecimalMax(value = "1e12", message = PER_TASK_RULE) BigDecimal perTask,
			@DecimalMin(value = "0", inclusive = false, message = RESERVE_RULE) @DecimalMax(value = "1",
					message = RESERVE_RULE) BigDecimal reserveAbove,
			@DecimalMin(value = "0", inclusive = false, message = HIGH_COST_RULE) @DecimalMax(value = "1e12",
					message = HIGH_COST_RULE) BigDecimal highCost) {

		static final String PER_TASK_RULE = "must be above 0 and at most 1e12";

		static final String RESERVE_RULE = "must be above 0 and at most 1";

		static final String HIGH_COST_RULE = "must be above 0 and at most 1e12";

		TaskBudget toTaskBudget() {
			return new TaskBudget(this.unit, this.perTask,
					(this.reserveAbove != null) ? this.reserveAbove : BigDecimal.ONE,
					(this.highCost != null) ? this.highCost : this.perTask);
		}

	}

	/**
	 * An agent's own anomaly thresholds and reactions (docs/signals.md "Rules"); a member
	 * not given is the provider's ({@code idp.anomalies.*}).
	 *
	 * @param learningPeriodHours 0 to 720
	 * @param rateFactor 1 to 1,000
	 * @param minimumCalls 1 to 1,000,000
	 * @param denialPercent 1 to 100
	 * @param subAgentFactor 1 to 1,000
	 * @param failedAuthentications 1 to 1,000,000
	 * @param reactions the reaction per rule
	 */
	record AnomalyPolicyRequest(
			@Min(value = 0, message = AnomalyPolicy.LEARNING_PERIOD_RULE) @Max(
					value = AnomalyPolicy.MAX_LEARNING_PERIOD_HOURS,
					message = AnomalyPolicy.LEARNING_PERIOD_RULE) Integer learningPeriodHours,
			@Min(value = 1, message = AnomalyPolicy.FACTOR_RULE) @Max(value = AnomalyPolicy.MAX_FACTOR,
					message = AnomalyPolicy.FACTOR_RULE) Integer rateFactor,
			@Min(value = 1, message = AnomalyPolicy.COUNT_RULE) @Max(value = AnomalyPolicy.MAX_COUNT,
					message = AnomalyPolicy.COUNT_RULE) Integer minimumCalls,
			@Min(value = 1, message = AnomalyPolicy.PERCENT_RULE) @Max(value = 100,
					message = AnomalyPolicy.PERCENT_RULE) Integer denialPercent,
			@Min(value = 1, message = AnomalyPolicy.FACTOR_RULE) @Max(value = AnomalyPolicy.MAX_FACTOR,
					message = AnomalyPolicy.FACTOR_RULE) Integer subAgentFactor,
			@Min(value = 1, message = AnomalyPolicy.COUNT_RULE) @Max(value = AnomalyPolicy.MAX_COUNT,
					message = AnomalyPolicy.COUNT_RULE) Integer failedAuthentications,
			@Valid ReactionsRequest reactions) {

		AnomalyPolicy toAnomalyPolicy() {
			return new AnomalyPolicy(this.learningPeriodHours, this.rateFactor, this.minimumCalls, this.denialPercent,
					this.subAgentFactor, this.failedAuthentications,
					(this.reactions != null) ? this.reactions.toMap() : Map.of());
		}

	}

	/**
	 * The reaction per anomaly rule: {@code flag}, {@code step_up} or {@code suspend}.
	 *
	 * @param rate the {@code rate} rule's
	 * @param newResource the {@code new_resource} rule's
	 * @param denials the {@code denials} rule's
	 * @param subAgents the {@code sub_agents} rule's
	 * @param failedAuthentication the {@code failed_authentication} rule's
	 */
	record ReactionsRequest(@OneOf(AnomalyReaction.class) String rate,
			@JsonProperty("new_resource") @OneOf(AnomalyReaction.class) String newResource,
			@OneOf(AnomalyReaction.class) String denials,
			@JsonProperty("sub_agents") @OneOf(AnomalyReaction.class) String subAgents,
			@JsonProperty("failed_authentication") @OneOf(AnomalyReaction.class) String failedAuthentication) {

		Map<String, AnomalyReaction> toMap() {
			Map<String, AnomalyReaction> reactions = new LinkedHashMap<>();
			String[] values = { this.rate, this.newResource, this.denials, this.subAgents, this.failedAuthentication };
			for (int i = 0; i < values.length; i++) {
				if (values[i] != null) {
					reactions.put(AnomalyPolicy.RULES.get(i), AnomalyReaction.from(values[i]).orElseThrow());
				}
			}
			return reactions;
		}

	}

}
