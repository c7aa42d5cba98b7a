package dev.agentidp.app.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The console in a real browser (issue 18, "Tests in a real browser"): Debian's headless
 * Chromium driven by Selenium through its chromedriver. A screenshot of each page is
 * saved in {@code target/console-screenshots/}. Skipped, saying so, only when
 * {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing ({@code .ci/run}
 * installs both).
 */
class ConsoleBrowserTests extends ProviderIntegrationTestSupport {

	private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

	private static final String PASSWORD = "browser-tests-password-0123";

	private static final String SCRIPT = "<script>alert(1)</script>";

	@Autowired
	private People people;

	@TempDir
	private Path profile;

	private WebDriver browser;

	@BeforeAll
	static void chromium() {
		ConsoleBrowser.assumeChromium();
	}

	@BeforeEach
	void openBrowser() {
		this.browser = ConsoleBrowser.chromium(this.profile, "1280,900");
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void theBootstrapAdminSignsInSeesANewAgentSuspendsAndResumesItAndSignsOut() {
		open("/console");
		assertThat(this.browser.getCurrentUrl()).endsWith("/console/login");
		screenshot("login");
		signIn("admin", ADMIN_PASSWORD);
		assertThat(this.browser.findElement(By.id("signed-in-as")).getText()).isEqualTo("admin");
		long active = count("count-active");

		TestAgent agent = agents().document("browser")
			.edit((json) -> json.put("team", "support")
				.put("environment", "prod")
				.put("platform", "langchain")
				.put("description", "Answers support tickets"))
			.scope("crm:read", "high")
			.register();
		open("/console?q=browser-");
		assertThat(count("count-active")).isEqualTo(active + 1);
		WebElement row = row(agent.id());
		assertThat(row.getText()).contains("owner@example.com", "support", "prod", "active", "high");
		screenshot("inventory");

		ConsoleBrowser.clickAndWait(this.browser, row.findElement(By.tagName("a")));
		assertThat(this.browser.findElement(By.id("agent-id")).getText()).isEqualTo(agent.id());
		assertThat(this.browser.findElement(By.id("agent-status")).getText()).isEqualTo("active");
		assertThat(this.browser.findElement(By.id("keys")).getText()).contains("active");
		screenshot("agent");
		this.browser.findElement(By.id("suspend-reason")).sendKeys("incident 42");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("suspend")));
		assertThat(this.browser.findElement(By.id("agent-status")).getText()).isEqualTo("suspended");
		assertThat(this.browser.findElement(By.id("message")).getText()).startsWith("Suspended.");
		screenshot("agent-suspended");
		assertThat(this.jdbc
			.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'agent.suspended' AND reason = ?")
			.params(agent.id(), "incident 42")
			.query(String.class)
			.single()).isEqualTo("user:admin");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("resume")));
		assertThat(this.browser.findElement(By.id("agent-status")).getText()).isEqualTo("active");
		assertThat(this.browser.findElement(By.id("message")).getText()).isEqualTo("Resumed.");

		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("sign-out")));
		assertThat(this.browser.findElement(By.id("signed-out")).getText()).isEqualTo("You are signed out.");
		open("/console");
		assertThat(this.browser.getCurrentUrl()).endsWith("/console/login");
	}

	@Test
	void aWrongPasswordShowsTheOneGenericMessage() {
		open("/console/login");
		signIn("admin", "not-the-password");
		assertThat(this.browser.findElement(By.id("sign-in-failed")).getText())
			.isEqualTo("Sign-in failed. Check the username and password, or try again later.");
		signIn("nobody-" + UUID.randomUUID(), "not-the-password");
		assertThat(this.browser.findElement(By.id("sign-in-failed")).getText())
			.isEqualTo("Sign-in failed. Check the username and password, or try again later.");
		screenshot("login-failed");
		// the failure is cleared by the success that follows
		signIn("admin", ADMIN_PASSWORD);
		assertThat(this.browser.findElement(By.id("signed-in-as")).getText()).isEqualTo("admin");
	}

	@Test
	void anOwnerSeesOnlyTheirAgentsAndIsRefusedAnothersPage() {
		Person owner = person(Set.of(Person.OWNER));
		TestAgent own = agents().document("mine")
			.edit((json) -> json.put("owner", owner.email()))
			.scopes("files:read")
			.register();
		TestAgent other = agents().document("theirs").scopes("files:read").register();
		open("/console/login");
		signIn(owner.username(), PASSWORD);
		assertThat(count("count-active")).isEqualTo(1);
		List<WebElement> rows = this.browser.findElements(By.cssSelector("#agents tbody tr[data-agent-id]"));
		assertThat(rows).extracting((r) -> r.getAttribute("data-agent-id")).containsExactly(own.id());
		// asking for another owner changes nothing
		open("/console?owner=owner@example.com");
		assertThat(this.browser.findElements(By.cssSelector("#agents tbody tr[data-agent-id]")))
			.extracting((r) -> r.getAttribute("data-agent-id"))
			.containsExactly(own.id());
		screenshot("inventory-owner");

		open("/console/agents/" + own.id());
		assertThat(this.browser.findElements(By.id("suspend"))).hasSize(1);
		open("/console/agents/" + other.id());
		assertThat(this.browser.findElement(By.id("denied")).getText()).isEqualTo("403 · Not allowed");
		screenshot("denied");
		assertThat(this.jdbc
			.sql("SELECT reason FROM audit_record WHERE chain = ? AND action = 'console.denied' AND actor = ?")
			.params(other.id(), owner.actor())
			.query(String.class)
			.single()).isEqualTo("not the owner of this agent");
	}

	@Test
	void anAuditorSeesEveryAgentButNoButton() {
		Person auditor = person(Set.of(Person.AUDITOR));
		TestAgent agent = agents().document("audit").scopes("files:read").register();
		open("/console/login");
		signIn(auditor.username(), PASSWORD);
		open("/console?q=audit-");
		assertThat(row(agent.id()).getText()).contains("active");
		open("/console/agents/" + agent.id());
		assertThat(this.browser.findElement(By.id("agent-status")).getText()).isEqualTo("active");
		assertThat(this.browser.findElements(By.id("suspend"))).isEmpty();
		// sign-out only (the page's other forms are GETs: compare versions, filter the
		// audit)
		assertThat(this.browser.findElements(By.cssSelector("form[method='post']"))).hasSize(1);
		screenshot("agent-auditor");
	}

	@Test
	void htmlInAnAgentsTextIsShownAsTextAndNeverRuns() {
		TestAgent agent = agents().document("xss")
			.edit((json) -> json.put("description", SCRIPT).put("team", SCRIPT).put("role", SCRIPT))
			.scopes("files:read")
			.register();
		open("/console/login");
		signIn("admin", ADMIN_PASSWORD);
		open("/console?q=xss-");
		assertThat(row(agent.id()).getText()).contains(SCRIPT);
		assertNoAlert();
		open("/console/agents/" + agent.id());
		assertThat(this.browser.findElement(By.id("agent-description")).getText()).isEqualTo(SCRIPT);
		assertThat(this.browser.getPageSource()).doesNotContain(SCRIPT)
			.contains("&lt;script&gt;alert(1)&lt;/script&gt;");
		assertNoAlert();
		screenshot("agent-escaped");
	}

	private void assertNoAlert() {
		assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> this.browser.switchTo().alert());
	}

	private void open(String path) {
		this.browser.get("http://localhost:" + this.port + path);
	}

	private void signIn(String username, String password) {
		WebElement name = this.browser.findElement(By.id("username"));
		name.clear();
		name.sendKeys(username);
		this.browser.findElement(By.id("password")).sendKeys(password);
		// the POST, its redirect and the next page: a bare click may return before they
		// end, and the next lookup would read the sign-in page
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("sign-in")));
	}

	private long count(String id) {
		return Long.parseLong(this.browser.findElement(By.id(id)).getText());
	}

	private WebElement row(String agentId) {
		return this.browser.findElement(By.cssSelector("#agents tr[data-agent-id='" + agentId + "']"));
	}

	private Person person(Set<String> roles) {
		String name = "b-" + UUID.randomUUID().toString().substring(0, 8);
		return this.people.create(name, name + "@example.com", PASSWORD, roles, "test");
	}

	private TestAgents agents() {
		return new TestAgents(http(), admin().token(), http().baseUrl());
	}

	private void screenshot(String page) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Path shot = ((ChromeDriver) this.browser).getScreenshotAs(OutputType.FILE).toPath();
			Files.copy(shot, SCREENSHOTS.resolve("console-" + page + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
