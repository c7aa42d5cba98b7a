package dev.agentidp.console;

import java.util.List;

import dev.agentidp.tokens.TrustedIssuer;
import dev.agentidp.tokens.TrustedIssuerSettings;
import dev.agentidp.tokens.TrustedIssuers;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The trusted issuers page ({@code /console/trusted-issuers}, issue 21), admins only,
 * read-only: the token issuers agents may authenticate with (workload identity
 * federation) and the attesters, as {@code GET /admin/v1/trusted-issuers} lists them.
 * They are changed through the admin API.
 */
@Controller
class TrustedIssuersPageController {

	private final TrustedIssuers issuers;

	TrustedIssuersPageController(TrustedIssuers issuers) {
		Assert.notNull(issuers, "issuers cannot be null");
		this.issuers = issuers;
	}

	@GetMapping("/console/trusted-issuers")
	String issuers(Model model) {
		ClientsPageController.admin();
		model.addAttribute("title", "Trusted issuers");
		model.addAttribute("issuers", this.issuers.list().stream().map(IssuerRow::of).toList());
		return "console/trusted-issuers";
	}

	/** A trusted issuer as the page shows it. */
	record IssuerRow(String id, String issuer, String kind, String keys, String audiences, String subjectPattern,
			String trustDomain, int maxTokenAgeSeconds, String updatedAt) {

		static IssuerRow of(TrustedIssuer issuer) {
			TrustedIssuerSettings settings = issuer.settings();
			String keys = (settings.jwks() != null) ? "inline JWK Set"
					: (settings.jwksUri() != null) ? settings.jwksUri() : "OpenID discovery";
			List<String> audiences = settings.audiences();
			return new IssuerRow(issuer.id().toString(), settings.issuer(), settings.kind().value(), keys,
					audiences.isEmpty() ? "this provider" : String.join(", ", audiences),
					(settings.subjectPattern() != null) ? settings.subjectPattern() : "",
					(settings.trustDomain() != null) ? settings.trustDomain() : "", settings.maxTokenAgeSeconds(),
					ConsoleTimes.text(issuer.updatedAt()));
		}

	}

}
