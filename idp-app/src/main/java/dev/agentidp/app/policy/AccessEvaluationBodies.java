package dev.agentidp.app.policy;

import java.math.BigDecimal;
import java.util.Map;

import dev.agentidp.policy.AccessRequest;
import dev.agentidp.policy.DpopPresentation;
import dev.agentidp.policy.ResourceType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The JSON bodies of the AuthZEN 1.0 endpoints, as records (docs/policy.md "Contract").
 */
final class AccessEvaluationBodies {

	/** Printable text without control characters. */
	static final String PRINTABLE = "[^\\p{Cntrl}]+";

	private AccessEvaluationBodies() {
	}

	/** {@code subject}: the acting agent and its token. */
	record Subject(@NotNull @Pattern(regexp = "agent", message = "must be agent") String type,
			@NotBlank @Size(max = 64) @Pattern(regexp = PRINTABLE, message = "must be printable text") String id,
			@NotNull(message = "must hold the agent's access token as token") @Valid SubjectProperties properties) {
	}

	/**
	 * {@code subject.properties}: the token and, for a DPoP-bound token, the proof the
	 * tool server received with the call and that call's method and URI (RFC 9449 §4.3:
	 * {@code htm}, {@code htu}). The proof's own checks, its size among them, are the
	 * decision's ({@code proof_invalid}), not the syntax's.
	 */
	record SubjectProperties(@NotBlank(message = "must be the agent's access token") @Size(max = 16384) String token,
			String dpop_proof,
			@Size(max = 16) @Pattern(regexp = PRINTABLE, message = "must be printable text") String htm,
			@Size(max = 4096) @Pattern(regexp = PRINTABLE, message = "must be printable text") String htu) {

		DpopPresentation dpop() {
			return new DpopPresentation(this.dpop_proof, this.htm, this.htu);
		}

	}

	/** {@code action}. */
	record Action(
			@NotBlank @Size(max = 128) @Pattern(regexp = PRINTABLE, message = "must be printable text") String name) {
	}

	/** {@code resource}: a tool or a data resource. */
	record Resource(@NotNull @Pattern(regexp = "tool|data", message = "must be tool or data") String type,
			@NotBlank @Size(max = 256) @Pattern(regexp = PRINTABLE, message = "must be printable text") String id,
			Map<String, Object> properties) {
	}

	/** {@code resource} of a resource search: its type only. */
	record ResourceKind(@NotNull @Pattern(regexp = "tool|data", message = "must be tool or data") String type,
			@Size(max = 256) String id, Map<String, Object> properties) {
	}

	/** {@code context}. */
	record Context(@DecimalMin(value = "0", message = "must not be negative") @DecimalMax(value = "1e12",
			message = "must be at most 1e12") BigDecimal cost, Map<String, Object> arguments) {
	}

	/** {@code page} of a search request (AuthZEN 1.0 paging). */
	record Page(@Size(max = 64) String token, @Min(1) @Max(500) Integer limit) {
	}

	/** {@code options} of a batch. */
	record Options(@Pattern(regexp = "execute_all|deny_on_first_deny|permit_on_first_permit",
			message = "must be execute_all, deny_on_first_deny or permit_on_first_permit") String evaluations_semantic) {
	}

	/** An access evaluation request. */
	record Evaluation(@NotNull @Valid Subject subject, @NotNull @Valid Action action, @NotNull @Valid Resource resource,
			@Valid Context context) {

		AccessRequest toAccessRequest() {
			return new AccessRequest(this.subject.id(), this.subject.properties().token(), this.action.name(),
					ResourceType.from(this.resource.type()).orElseThrow(), this.resource.id(),
					this.resource.properties(), (this.context != null) ? this.context.cost() : null,
					(this.context != null) ? this.context.arguments() : null, this.subject.properties().dpop());
		}

	}

	/** A resource search request. */
	record ResourceSearch(@NotNull @Valid Subject subject, @Valid Action action, @NotNull @Valid ResourceKind resource,
			@Valid Context context, @Valid Page page) {
	}

	/** An action search request. */
	record ActionSearch(@NotNull @Valid Subject subject, @NotNull @Valid Resource resource, @Valid Context context,
			@Valid Page page) {
	}

}
