package dev.agentidp.tokens;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The audience rule of agent tokens (issue 14, item 10; RFC 8707 §2).
 */
class AgentAudiencesTests {

	private static final Set<String> DECLARED = Set.of("https://mcp.example.com/tickets",
			"https://api.example.com/crm");

	@Test
	void ofWhenNoResourceThenTheDefaultAudience() {
		assertThat(AgentAudiences.of(DECLARED, List.of(), "https://idp.example.com"))
			.containsExactly("https://idp.example.com");
		assertThat(AgentAudiences.of(Set.of(), List.of(), "https://idp.example.com"))
			.containsExactly("https://idp.example.com");
	}

	@Test
	void ofWhenEveryResourceDeclaredThenThoseResources() {
		assertThat(AgentAudiences.of(DECLARED,
				List.of("https://api.example.com/crm", "https://mcp.example.com/tickets"), "https://idp.example.com"))
			.containsExactly("https://api.example.com/crm", "https://mcp.example.com/tickets");
	}

	@Test
	void ofWhenAResourceIsNotDeclaredThenInvalidTargetNamingIt() {
		for (String undeclared : List.of("https://evil.example.com", "https://api.example.com/crm/",
				"HTTPS://api.example.com/crm", "https://api.example.com")) {
			assertThatExceptionOfType(OAuth2AuthenticationException.class).as(undeclared)
				.isThrownBy(() -> AgentAudiences.of(DECLARED, List.of("https://api.example.com/crm", undeclared),
						"https://idp.example.com"))
				.satisfies((ex) -> {
					assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_target");
					assertThat(ex.getError().getDescription()).contains(undeclared)
						.contains("tools[].mcpServer or resources");
				});
		}
	}

}
