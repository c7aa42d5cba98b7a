package dev.agentidp.app.console;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.anomalies.StepUpFixture;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static dev.agentidp.app.fixtures.TestAssertions.auditCount;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's pages of continuous validation in a real browser (issue 20): the
 * bootstrap admin subscribes a webhook, sees the generated secret once and the
 * subscription listed without it, and reads the reports; the owner of an agent the
 * detection stepped up clears it from the agent's page, and the policy decision point
 * allows the agent's call again. Screenshots {@code console-webhooks.png},
 * {@code console-webhook-subscribed.png}, {@code console-reports.png},
 * {@code console-agent-anomalies.png} (under {@code target/}).
 */
class ConsoleContinuousValidationBrowserTests extends ConsoleBrowserTestSupport {

	private static final String PASSWORD = "cv-browser-password-0123456";

	private static final String URL = "https://203.0.113.20/agent-idp-browser";

	@Autowired
	private People people;

	@Autowired
	private ApplicationContext context;

	@AfterEach
	void removeSubscriptions() {
		this.jdbc.sql("DELETE FROM webhook_subscription WHERE url = ?").param(URL).update();
	}

	@Test
	void anAdminSubscribesAWebhookSeesTheSecretOnceAndReadsTheReports() {
		TestAgent agent = new TestAgents(http(), admin().token(), http().baseUrl()).document("cv-browser")
			.scopes("files:read", "files:write")
			.register();
		this.browser.signIn("admin", ADMIN_PASSWORD);
		this.browser.byId("nav-webhooks").click();
		this.browser.await("subscribe");
		assertThat(this.browser.currentUrl()).endsWith("/console/webhooks");
		this.browser.byId("webhook-url-input").sendKeys(URL);
		this.browser.byId("event-agent.suspended").click();
		this.browser.byId("event-token.revoked").click();
		this.browser.byId("webhook-description-input").sendKeys("SIEM <b>ingest</b>");
		this.browser.byId("subscribe").click();
		String secret = this.browser.await("webhook-secret").getText();
		assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
		assertThat(this.browser.text("webhook-events")).isEqualTo("token.revoked, agent.suspended");
		this.browser.screenshot("webhook-subscribed");
		this.browser.byId("back-to-webhooks").click();
		this.browser.await("webhooks");
		WebElement row = this.browser.driver()
			.findElement(By.xpath("//table[@id='webhooks']//td[@class='webhook-url' and text()='" + URL + "']/.."));
		assertThat(row.findElement(By.className("webhook-description")).getText()).isEqualTo("SIEM <b>ingest</b>");
		// the secret is shown once: not on the list, nor on a reload of it
		assertThat(this.browser.driver().getPageSource()).doesNotContain(secret);
		this.browser.screenshot("webhooks");
		// the reports, with the agent's unused permissions
		this.browser.byId("nav-reports").click();
		this.browser.await("r-agent").sendKeys(agent.id());
		this.browser.byId("run-reports").click();
		assertThat(this.browser.await("unused-capabilities").getText()).isEqualTo("files:read, files:write");
		assertThat(this.browser.text("merge-patch")).contains("\"capabilities\" : [ ]");
		this.browser.screenshot("reports");
	}

	@Test
	void theOwnerClearsAPendingStepUpFromTheAgentsPageAndTheAgentIsAllowedAgain() {
		String name = "cvb-" + UUID.randomUUID().toString().substring(0, 8);
		Person owner = this.people.create(name, name + "@example.com", PASSWORD, Set.of(Person.OWNER), "test");
		TestAgent agent = StepUpFixture.pendingStepUp(this.context, http(), admin().token(), "cv-browser-step-up",
				owner.email());
		this.browser.signIn(owner.username(), PASSWORD);
		this.browser.get("/console/agents/" + agent.id());
		WebElement anomaly = this.browser.driver().findElement(By.cssSelector("#anomaly-list tbody tr"));
		assertThat(anomaly.findElement(By.cssSelector(".reaction")).getText()).isEqualTo("step_up");
		assertThat(anomaly.findElement(By.className("anomaly-pending")).getText()).isEqualTo("pending: calls stopped");
		assertThat(anomaly.findElement(By.className("anomaly-evidence")).getText()).contains("resource=github");
		anomaly.findElement(By.className("clear-reason")).sendKeys("Reviewed: the new tool is expected");
		this.browser.screenshot("agent-anomalies");
		anomaly.findElement(By.className("clear-anomaly")).click();
		assertThat(this.browser.await("message").getText()).endsWith("is cleared.");
		WebElement cleared = this.browser.driver().findElement(By.cssSelector("#anomaly-list tbody tr"));
		assertThat(cleared.findElement(By.className("anomaly-cleared")).getText())
			.startsWith("cleared by " + owner.actor())
			.endsWith(": Reviewed: the new tool is expected");
		assertThat(cleared.findElements(By.className("clear-anomaly"))).isEmpty();
		assertThat(auditCount(this.jdbc, agent.id(), "anomaly.cleared")).isEqualTo(1);
		String token = agent.token(http(), "github:create_pr", Map.of(), StepUpFixture.GITHUB);
		assertThat(StepUpFixture.evaluate(http(), agent.id(), token)).contains("\"decision\":true");
	}

}
