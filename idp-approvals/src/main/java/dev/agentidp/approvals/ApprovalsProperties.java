package dev.agentidp.approvals;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code idp.approvals.*}: human approvals (docs/approvals.md).
 *
 * @param allowOwnerApproval whether an agent's owner may approve their own agent's
 * requests (separation of duties: off by default)
 * @param defaultExpiry how long a request waits for its decision when it names no
 * {@code requested_expiry} (at most 1 h)
 * @param interval the least time between two polls of one request (CIBA §7.3
 * {@code interval}); faster polls are answered {@code slow_down}
 * @param uses how many policy decisions one approval allows (1 to {@value #MAX_USES}):
 * once by default, counted across every node and every token derived from the approved
 * one
 */
@Validated
@ConfigurationProperties("idp.approvals")
public record ApprovalsProperties(@DefaultValue("false") boolean allowOwnerApproval,
		@DefaultValue("300s") @NotNull Duration defaultExpiry, @DefaultValue("5s") @NotNull Duration interval,
		@DefaultValue("1") int uses) {

	/** The most decisions one approval may allow. */
	public static final int MAX_USES = 100;

	public ApprovalsProperties {
		if (defaultExpiry.isNegative() || defaultExpiry.isZero()
				|| defaultExpiry.getSeconds() > BackchannelRequestPolicy.MAX_EXPIRY_SECONDS) {
			throw new IllegalArgumentException("idp.approvals.default-expiry must be between 1 s and 1 h");
		}
		if (interval.getSeconds() < 1 || interval.getSeconds() > 60) {
			throw new IllegalArgumentException("idp.approvals.interval must be between 1 s and 60 s");
		}
		if (uses < 1 || uses > MAX_USES) {
			throw new IllegalArgumentException("idp.approvals.uses must be between 1 and " + MAX_USES);
		}
	}

}
