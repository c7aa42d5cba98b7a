package dev.agentidp.policy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.springframework.util.Assert;

/**
 * The AuthZEN 1.0 searches: the resources, or the actions, an attempt's agent declares
 * and {@link AccessRules} would allow now at no cost, a page at a time behind opaque page
 * tokens. Nothing is debited or recorded. Used by {@link PolicyDecisionPoint}.
 */
final class PolicySearch {

	private static final String PAGE_TOKEN_PREFIX = "o:";

	private final AccessRules rules;

	PolicySearch(AccessRules rules) {
		Assert.notNull(rules, "rules cannot be null");
		this.rules = rules;
	}

	/**
	 * The resources of the probe's type allowed
	 * ({@link PolicyDecisionPoint#searchResources}).
	 */
	SearchPage resources(AccessAttempt attempt, AccessRequest probe, String action, String pageToken, int limit) {
		List<String> allowed = new ArrayList<>();
		if (attempt.declared() != null) {
			for (String resource : attempt.declared().resources(probe.resourceType())) {
				List<String> actions = (action != null) ? List.of(action)
						: attempt.declared().actions(probe.resourceType(), resource);
				if (actions.stream().anyMatch((candidate) -> allows(attempt, resource, candidate))) {
					allowed.add(resource);
				}
			}
		}
		return page(allowed, pageToken, limit);
	}

	/**
	 * The actions on the probe's resource allowed
	 * ({@link PolicyDecisionPoint#searchActions}).
	 */
	SearchPage actions(AccessAttempt attempt, AccessRequest probe, String pageToken, int limit) {
		List<String> allowed = new ArrayList<>();
		if (attempt.declared() != null) {
			for (String action : attempt.declared().actions(probe.resourceType(), probe.resourceId())) {
				if (allows(attempt, probe.resourceId(), action)) {
					allowed.add(action);
				}
			}
		}
		return page(allowed, pageToken, limit);
	}

	private boolean allows(AccessAttempt attempt, String resource, String action) {
		AccessRequest request = attempt.request().withResource(resource).withAction(action);
		AccessAttempt candidate = new AccessAttempt(
				new AccessRequest(request.subjectId(), request.token(), action, request.resourceType(), resource,
						request.resourceProperties(), BigDecimal.ZERO, request.arguments()),
				attempt.token(), attempt.active(), attempt.agentId(), attempt.declared(), attempt.proofJkt(),
				attempt.proofFailure());
		return this.rules.firstDenial(candidate).isEmpty();
	}

	private static SearchPage page(List<String> results, String pageToken, int limit) {
		if (limit < 1 || limit > PolicyDecisionPoint.MAX_PAGE_SIZE) {
			throw new InvalidAccessRequestException("page.limit",
					"must be between 1 and " + PolicyDecisionPoint.MAX_PAGE_SIZE);
		}
		int offset = offset(pageToken, results.size());
		int end = Math.min(results.size(), offset + limit);
		String next = (end < results.size()) ? Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((PAGE_TOKEN_PREFIX + end).getBytes(StandardCharsets.UTF_8)) : "";
		return new SearchPage(results.subList(offset, end), next, results.size());
	}

	private static int offset(String pageToken, int total) {
		if (pageToken == null || pageToken.isEmpty()) {
			return 0;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
			if (decoded.startsWith(PAGE_TOKEN_PREFIX) && decoded.length() <= 12) {
				int offset = Integer.parseInt(decoded.substring(PAGE_TOKEN_PREFIX.length()));
				if (offset >= 0 && offset <= total) {
					return offset;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// not one of ours: refused below
		}
		throw new InvalidAccessRequestException("page.token", "is not a page token this provider returned");
	}

}
