package dev.agentidp.app.console;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clients and people pages in a real browser: the admin registers a resource server
 * and reads its secret once, then creates a person. The rules are
 * {@link ConsoleClientsAndPeopleTests}'.
 */
class ConsoleAdminPagesBrowserTests extends ConsoleBrowserTestSupport {

	@Test
	void theAdminRegistersAClientAndCreatesAPerson() {
		this.browser.signIn("admin", ADMIN_PASSWORD);
		this.browser.clickToNavigate("nav-clients");
		String name = "browser-rs-" + UUID.randomUUID().toString().substring(0, 8);
		this.browser.byId("client-name").sendKeys(name);
		this.browser.screenshot("clients");
		this.browser.clickToNavigate("register-client");
		assertThat(this.browser.text("client-name")).isEqualTo(name);
		assertThat(this.browser.text("client-secret")).hasSizeGreaterThanOrEqualTo(43);
		this.browser.screenshot("client-registered");
		this.browser.clickToNavigate("back-to-clients");
		assertThat(this.browser.driver().getPageSource()).contains(name);

		this.browser.clickToNavigate("nav-people");
		String username = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		this.browser.byId("person-username").sendKeys(username);
		this.browser.byId("person-email").sendKeys(username + "@example.com");
		this.browser.byId("person-password").sendKeys("browser-person-password-0123");
		this.browser.byId("role-auditor").click();
		this.browser.clickToNavigate("create-person");
		assertThat(this.browser.text("message")).isEqualTo("Created " + username + ".");
		assertThat(this.browser.driver().getPageSource()).contains(username + "@example.com");
		this.browser.screenshot("people");
	}

	@Test
	void theAdminLooksAtTheActivityCharts() {
		dev.agentidp.app.fixtures.TestAgent agent = new dev.agentidp.app.fixtures.TestAgents(http(), admin().token(),
				http().baseUrl())
			.document("charts")
			.scope("crm:read", "high")
			.register();
		agent.token(http(), "crm:read");
		http().postForm("/oauth2/token", agent.tokenForm("crm:write"));
		this.browser.signIn("admin", ADMIN_PASSWORD);
		this.browser.clickToNavigate("nav-activity");
		assertThat(this.browser.driver().findElements(org.openqa.selenium.By.cssSelector("#chart-issued rect")))
			.hasSize(24);
		assertThat(this.browser.driver().findElements(org.openqa.selenium.By.cssSelector("#chart-risk rect")))
			.hasSize(4);
		assertThat(Long.parseLong(this.browser.text("issued-total"))).isPositive();
		this.browser.screenshot("activity");
	}

}
