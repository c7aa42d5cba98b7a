package dev.agentidp.console;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import dev.agentidp.audit.AuditActivity;
import dev.agentidp.audit.AuditTrail;
import dev.agentidp.registry.AgentCounts;
import dev.agentidp.registry.AgentRegistry;
import dev.agentidp.registry.RiskLevel;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The activity page ({@code /console/activity}, issue 18 "Charts where a person would
 * rather look"), for those who see every agent (admins, auditors): tokens issued and
 * denials per hour over the last 24 hours, the most frequent reasons of those denials
 * ({@link AuditTrail#activity}, two range scans of the audit trail's index on
 * {@code occurred_at}), and the agents not retired by risk level
 * ({@link AgentRegistry#counts}, one index-only scan). Server-rendered SVG
 * ({@link Charts}), no script.
 */
@Controller
class ActivityController {

	/** The action counted as a token issued (idp-tokens' record of an issuance). */
	static final String TOKEN_ISSUED = "token.issued";

	private static final Duration DAY = Duration.ofHours(24);

	private static final int REASONS = 10;

	private final AuditTrail trail;

	private final AgentRegistry registry;

	ActivityController(AuditTrail trail, AgentRegistry registry) {
		Assert.notNull(trail, "trail cannot be null");
		Assert.notNull(registry, "registry cannot be null");
		this.trail = trail;
		this.registry = registry;
	}

	@GetMapping("/console/activity")
	String activity(Model model) {
		SignedInPerson me = ConsoleModel.signedIn();
		if (me == null || !ConsoleAccess.seesEveryAgent(me)) {
			throw new ConsoleDeniedException(null, "no role for this page or action");
		}
		Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
		AuditActivity activity = this.trail.activity(to.minus(DAY), to, TOKEN_ISSUED, REASONS);
		AgentCounts counts = this.registry.counts(null);
		List<Charts.Item> risks = Arrays.stream(RiskLevel.values())
			.map((level) -> new Charts.Item(level.value(), counts.atRisk(level)))
			.toList();
		model.addAttribute("title", "Activity");
		model.addAttribute("issued", Charts.hourly(activity.hours(), AuditActivity.Hour::counted));
		model.addAttribute("denials", Charts.hourly(activity.hours(), AuditActivity.Hour::denials));
		model.addAttribute("issuedTotal", activity.hours().stream().mapToLong(AuditActivity.Hour::counted).sum());
		model.addAttribute("denialsTotal", activity.hours().stream().mapToLong(AuditActivity.Hour::denials).sum());
		model.addAttribute("reasons",
				Charts.horizontal(activity.denialsByReason()
					.stream()
					.map((reason) -> new Charts.Item(reason.reason(), reason.count()))
					.toList()));
		model.addAttribute("risks", Charts.horizontal(risks));
		model.addAttribute("hoursWidth", Charts.HOURS_WIDTH);
		model.addAttribute("hoursHeight", Charts.HOURS_HEIGHT);
		model.addAttribute("row", Charts.ROW);
		return "console/activity";
	}

}
