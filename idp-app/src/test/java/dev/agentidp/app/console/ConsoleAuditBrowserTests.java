package dev.agentidp.app.console;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit page in a real browser: the admin opens it from the navigation, searches,
 * sees the latest checkpoint verified, and verifies the whole trail, the page refreshing
 * itself until the run ends. The rules are {@link ConsoleAuditPageTests}'.
 */
class ConsoleAuditBrowserTests extends ConsoleBrowserTestSupport {

	@Test
	void theAdminSearchesTheTrailAndVerifiesItWhole() {
		assertThat(admin().postNoBody("/admin/v1/audit/checkpoints").statusCode()).isEqualTo(201);
		this.browser.signIn("admin", ADMIN_PASSWORD);
		this.browser.clickToNavigate("nav-audit");
		assertThat(this.browser.currentUrl()).endsWith("/console/audit");
		assertThat(this.browser.text("checkpoint-signature")).isEqualTo("verifies with the provider's signing key");
		this.browser.byId("f-action").sendKeys("console.signed_in");
		this.browser.byId("f-actor").sendKeys("user:admin");
		this.browser.clickToNavigate("search");
		assertThat(this.browser.driver().findElements(By.cssSelector("#records tbody tr[data-seq]"))).isNotEmpty()
			.allSatisfy((row) -> assertThat(row.getText()).contains("user:admin", "console.signed_in"));
		this.browser.screenshot("audit");

		this.browser.clickToNavigate("verify-all");
		assertThat(this.browser.currentUrl()).endsWith("/console/audit/verify");
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(60)).ignoring(WebDriverException.class)
			.until((driver) -> !"running".equals(driver.findElement(By.id("verify-state")).getAttribute("data-state")));
		assertThat(this.browser.text("verify-valid")).startsWith("The trail is intact:");
		this.browser.screenshot("audit-verified");
	}

}
