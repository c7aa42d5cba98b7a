package dev.agentidp.registry;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The invariants the registry holds every profile it is given to, whoever gives it: the
 * name and the owner follow their rules ({@link Names}, {@link Emails}), every scope is
 * an RFC 6749 §3.3 {@code scope-token}, no capability is one of the provider's own
 * ({@code idp:}) scopes or appears twice, and the token policy stays within the
 * provider's bounds. Checked when a profile is written (registration, update), never when
 * one is read, so that a stored profile stays readable when a rule gets stricter. The
 * admin API's request records apply the same rules, with the rest of its input rules,
 * before a profile reaches the registry; the errors here name the field as theirs do.
 */
final class ProfileInvariants {

	/** The rule of a pinned digest. */
	static final String DIGEST_RULE = "must be sha256: and 64 lower-case hex digits (or sha384:/sha512: and 96/128)";

	private static final Pattern DIGEST = Pattern
		.compile("sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}");

	private ProfileInvariants() {
	}

	/**
	 * Checks a profile about to be written.
	 * @param profile the profile
	 * @throws InvalidInputException naming the first field that breaks an invariant
	 */
	static void check(AgentProfile profile) {
		if (!Names.isValid(profile.name())) {
			throw new InvalidInputException("name", Names.RULE);
		}
		if (!Emails.isValid(profile.owner())) {
			throw new InvalidInputException("owner", Emails.RULE);
		}
		List<Capability> capabilities = profile.capabilities();
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < capabilities.size(); i++) {
			String scope = capabilities.get(i).scope();
			String field = "capabilities[" + i + "].scope";
			if (!Scopes.isValid(scope)) {
				throw new InvalidInputException(field, Scopes.RULE);
			}
			if (Scopes.isReserved(scope)) {
				throw new InvalidInputException(field, Scopes.RESERVED_RULE);
			}
			if (!seen.add(scope)) {
				throw new InvalidInputException(field, "duplicates scope " + scope);
			}
		}
		List<String> requiredFor = profile.humanOversight().requiredFor();
		for (int i = 0; i < requiredFor.size(); i++) {
			if (!Scopes.isValid(requiredFor.get(i))) {
				throw new InvalidInputException("humanOversight.requiredFor[" + i + "]", Scopes.RULE);
			}
		}
		check(profile.tokenPolicy());
		checkWorkloadIdentities(profile.workloadIdentity());
		if (profile.attestation() != null) {
			checkAttestation(profile.attestation());
		}
	}

	/**
	 * An attestation names 1-16 distinct attesters (issuer URLs) and pins at least one of
	 * {@link AgentAttestation#CLAIMS}: digests as {@code sha256:} and 64 lower-case hex
	 * digits (or {@code sha384:}/{@code sha512:}, as OCI image digests are written), a
	 * model as 1-256 characters without control characters.
	 */
	private static void checkAttestation(AgentAttestation attestation) {
		List<String> attesters = attestation.attesters();
		if (attesters.isEmpty() || attesters.size() > AgentAttestation.MAX_ATTESTERS) {
			throw new InvalidInputException("attestation.attesters",
					"must hold 1 to " + AgentAttestation.MAX_ATTESTERS + " attesters");
		}
		for (int i = 0; i < attesters.size(); i++) {
			if (!WorkloadIdentities.isIssuer(attesters.get(i))) {
				throw new InvalidInputException("attestation.attesters[" + i + "]", WorkloadIdentities.ISSUER_RULE);
			}
			if (attesters.indexOf(attesters.get(i)) != i) {
				throw new InvalidInputException("attestation.attesters[" + i + "]", "duplicates " + attesters.get(i));
			}
		}
		if (attestation.claims().isEmpty()) {
			throw new InvalidInputException("attestation.claims",
					"must pin at least one of image_digest, config_digest, model");
		}
		for (Map.Entry<String, String> claim : attestation.claims().entrySet()) {
			String field = "attestation.claims." + claim.getKey();
			if (!AgentAttestation.CLAIMS.contains(claim.getKey())) {
				throw new InvalidInputException(field,
						"is not a claim an attestation pins" + " (image_digest, config_digest, model)");
			}
			String value = claim.getValue();
			if (claim.getKey().endsWith("_digest")) {
				if (value == null || !DIGEST.matcher(value).matches()) {
					throw new InvalidInputException(field, DIGEST_RULE);
				}
			}
			else if (value == null || value.isEmpty() || value.length() > 256
					|| value.chars().anyMatch(Character::isISOControl)) {
				throw new InvalidInputException(field, "must be 1-256 characters without control characters");
			}
		}
	}

	/**
	 * Each workload identity once, with an issuer URL (OpenID Connect Discovery 1.0 §2)
	 * and a subject without control characters; a SPIFFE ID subject is a valid one
	 * (SPIFFE ID §2: {@code spiffe://<trust domain>/<path>}, the trust domain
	 * {@code [a-z0-9._-]}).
	 */
	private static void checkWorkloadIdentities(List<WorkloadIdentity> identities) {
		if (identities.size() > WorkloadIdentity.MAX_PER_AGENT) {
			throw new InvalidInputException("workloadIdentity",
					"must hold at most " + WorkloadIdentity.MAX_PER_AGENT + " elements");
		}
		Set<WorkloadIdentity> seen = new HashSet<>();
		for (int i = 0; i < identities.size(); i++) {
			WorkloadIdentity identity = identities.get(i);
			String field = "workloadIdentity[" + i + "]";
			if (!WorkloadIdentities.isIssuer(identity.issuer())) {
				throw new InvalidInputException(field + ".issuer", WorkloadIdentities.ISSUER_RULE);
			}
			if (!WorkloadIdentities.isSubject(identity.subject())) {
				throw new InvalidInputException(field + ".subject", WorkloadIdentities.SUBJECT_RULE);
			}
			if (!seen.add(identity)) {
				throw new InvalidInputException(field, "duplicates another workload identity");
			}
		}
	}

	private static void check(TokenPolicy policy) {
		if (policy.maxTtlSeconds() > TokenPolicy.MAX_TTL_SECONDS) {
			throw new InvalidInputException("tokenPolicy.maxTtlSeconds", TokenPolicy.TTL_RULE);
		}
		if (policy.maxDelegationDepth() > TokenPolicy.MAX_DELEGATION_DEPTH) {
			throw new InvalidInputException("tokenPolicy.maxDelegationDepth", TokenPolicy.DELEGATION_DEPTH_RULE);
		}
		if (policy.maxSubAgents() > TokenPolicy.MAX_SUB_AGENTS) {
			throw new InvalidInputException("tokenPolicy.maxSubAgents", TokenPolicy.SUB_AGENTS_RULE);
		}
		if (policy.approvedTokenTtlSeconds() > TokenPolicy.MAX_APPROVED_TOKEN_TTL_SECONDS) {
			throw new InvalidInputException("tokenPolicy.approvedTokenTtlSeconds", TokenPolicy.APPROVED_TTL_RULE);
		}
		check(policy.anomaly());
	}

	private static void check(AnomalyPolicy anomaly) {
		range("learningPeriodHours", anomaly.learningPeriodHours(), 0, AnomalyPolicy.MAX_LEARNING_PERIOD_HOURS,
				AnomalyPolicy.LEARNING_PERIOD_RULE);
		range("rateFactor", anomaly.rateFactor(), 1, AnomalyPolicy.MAX_FACTOR, AnomalyPolicy.FACTOR_RULE);
		range("minimumCalls", anomaly.minimumCalls(), 1, AnomalyPolicy.MAX_COUNT, AnomalyPolicy.COUNT_RULE);
		range("denialPercent", anomaly.denialPercent(), 1, 100, AnomalyPolicy.PERCENT_RULE);
		range("subAgentFactor", anomaly.subAgentFactor(), 1, AnomalyPolicy.MAX_FACTOR, AnomalyPolicy.FACTOR_RULE);
		range("failedAuthentications", anomaly.failedAuthentications(), 1, AnomalyPolicy.MAX_COUNT,
				AnomalyPolicy.COUNT_RULE);
	}

	private static void range(String member, Integer value, int min, int max, String rule) {
		if (value != null && (value < min || value > max)) {
			throw new InvalidInputException("tokenPolicy.anomaly." + member, rule);
		}
	}

}
