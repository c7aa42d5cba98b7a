package dev.agentidp.app.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestAgents;
import dev.agentidp.app.fixtures.TestHttp;
import dev.agentidp.console.People;
import dev.agentidp.console.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's agent journey in a real browser (issue 18, "Tests in a real browser"):
 * register an agent in the console, see it in the inventory, open its page, rotate a key,
 * revoke a token with its cascade count, verify the audit chain, sign out; an owner is
 * refused another owner's token, an auditor has nothing to revoke with. Debian's headless
 * Chromium through its chromedriver, as {@link ConsoleBrowserTests}; screenshots in
 * {@code target/console-screenshots/}; skipped, saying so, only without Chromium.
 */
class ConsoleAgentJourneyBrowserTests extends ProviderIntegrationTestSupport {

	private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

	private static final String PASSWORD = "browser-tests-password-0123";

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
		this.browser = ConsoleBrowser.chromium(this.profile, "1280,1400");
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void theAdminRegistersAnAgentRotatesItsKeyRevokesATokenTreeAndVerifiesItsChain() throws Exception {
		open("/console/login");
		signIn("admin", ADMIN_PASSWORD);
		String name = "journey-" + UUID.randomUUID().toString().substring(0, 8);

		// register an agent in the console: its private key is shown once
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("register-agent")));
		this.browser.findElement(By.id("r-name")).sendKeys(name);
		this.browser.findElement(By.id("r-owner")).sendKeys("owner@example.com");
		this.browser.findElement(By.id("r-team")).sendKeys("support");
		new Select(this.browser.findElement(By.id("r-environment"))).selectByValue("prod");
		this.browser.findElement(By.id("r-description")).sendKeys("Registered in the console");
		this.browser.findElement(By.id("r-capabilities")).sendKeys("crm:read high\nfiles:read low");
		screenshot("register");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("register")));
		String id = this.browser.findElement(By.id("registered-id")).getText();
		OctetKeyPair firstKey = OctetKeyPair.parse(this.browser.findElement(By.id("private-jwk")).getText());
		assertThat(firstKey.isPrivate()).isTrue();
		assertThat(this.jdbc.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'agent.registered'")
			.param(id)
			.query(String.class)
			.single()).isEqualTo("user:admin");

		// the inventory shows it, with its tokens and sub-agents
		open("/console?q=" + name);
		WebElement row = row(id);
		assertThat(row.getText()).contains(name, "owner@example.com", "support", "prod", "active", "high");
		assertThat(row.findElement(By.className("active-tokens")).getText()).isEqualTo("0");
		screenshot("inventory-columns");

		// rotate its key: a new pair shown once, the old key retiring
		ConsoleBrowser.clickAndWait(this.browser, row.findElement(By.tagName("a")));
		assertThat(this.browser.findElement(By.id("agent-id")).getText()).isEqualTo(id);
		String oldKid = firstKey.getKeyID();
		WebElement oldKey = this.browser.findElement(By.cssSelector("#keys tr[data-kid='" + oldKid + "']"));
		ConsoleBrowser.clickAndWait(this.browser, oldKey.findElement(By.className("rotate-key")));
		OctetKeyPair newKey = OctetKeyPair.parse(this.browser.findElement(By.id("private-jwk")).getText());
		assertThat(newKey.getKeyID()).isNotEqualTo(oldKid);
		assertThat(this.browser.findElement(By.id("key-message")).getText()).contains(oldKid + " is retiring");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("open-agent")));
		assertThat(keyStatus(oldKid)).isEqualTo("retiring");
		assertThat(keyStatus(newKey.getKeyID())).isEqualTo("active");

		// a token of the new key, and two derived from it for two sub-agents
		TestAgent agent = new TestAgent(id, newKey, http().baseUrl());
		String token = agent.token(http(), "crm:read files:read");
		for (String subAgent : List.of("summariser", "filer")) {
			HttpResponse<String> exchanged = http().postForm("/oauth2/token",
					agent.exchangeForm(token, subAgent, "crm:read"));
			assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		}
		String jti = TestHttp.claims(token).get("jti").asString();
		open("/console?q=" + name);
		assertThat(row(id).findElement(By.className("active-tokens")).getText()).isEqualTo("1");
		assertThat(row(id).findElement(By.className("sub-agents")).getText()).isEqualTo("2");
		assertThat(row(id).findElement(By.className("last-token")).getText()).endsWith("UTC");
		open("/console/agents/" + id);
		assertThat(this.browser.findElement(By.id("sub-agent-tree")).getText()).contains(name, "summariser", "filer");
		assertThat(this.browser.findElement(By.id("blast-risky")).getText()).startsWith("1 capabilities");
		// the last change: the old key retiring; from the first version: the new key too
		assertThat(this.browser.findElement(By.id("diff")).getText())
			.contains("keys[" + oldKid + "] changed active retiring");
		new Select(this.browser.findElement(By.id("diff-from"))).selectByValue("1");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("compare")));
		assertThat(this.browser.findElement(By.id("diff")).getText()).contains("Version 1 → 3",
				"keys[" + newKey.getKeyID() + "] added");
		scrollTo("keys-heading");
		screenshot("agent-page");

		// revoke the token: the confirm step says what it revokes
		ConsoleBrowser.clickAndWait(this.browser,
				this.browser.findElement(By.cssSelector("#live-tokens tr[data-jti='" + jti + "'] .revoke-token")));
		assertThat(this.browser.findElement(By.id("cascade-preview")).getText())
			.isEqualTo("This revokes 1 + 2 derived tokens.");
		screenshot("token-revoke");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("confirm-revoke")));
		assertThat(this.browser.findElement(By.id("message")).getText()).startsWith("Revoked 3 tokens");
		assertThat(
				this.browser.findElement(By.cssSelector("#tokens tr[data-jti='" + jti + "'] .token-state")).getText())
			.isEqualTo("revoked");
		screenshot("tokens");
		assertThat(this.jdbc
			.sql("SELECT actor FROM audit_record WHERE chain = ? AND action = 'token.revoked' AND target = ?")
			.params(id, jti)
			.query(String.class)
			.single()).isEqualTo("user:admin");

		// its audit chain, filtered, and verified
		open("/console/agents/" + id + "?action=token.revoked");
		assertThat(this.browser.findElement(By.id("audit-records")).getText()).contains("token.revoked", "user:admin");
		ConsoleBrowser.clickAndWait(this.browser, this.browser.findElement(By.id("verify-chain")));
		assertThat(this.browser.findElement(By.id("verification")).getText())
			.startsWith("Verified: the chain is intact");
		scrollTo("audit-heading");
		screenshot("agent-audit");

		signOut();
		assertThat(this.browser.findElement(By.id("signed-out")).getText()).isEqualTo("You are signed out.");
	}

	@Test
	void anOwnerIsRefusedAnotherOwnersTokenAndAnAuditorHasNothingToRevokeWith() {
		TestAgent other = agents().document("theirs").scopes("files:read").register();
		String jti = TestHttp.claims(other.token(http(), "files:read")).get("jti").asString();

		Person owner = person(Set.of(Person.OWNER));
		open("/console/login");
		signIn(owner.username(), PASSWORD);
		assertThat(this.browser.findElement(By.id("signed-in-as")).getText()).isEqualTo(owner.email());
		open("/console/tokens?agent=" + other.id());
		screenshot("tokens-owner");
		assertThat(this.browser.findElement(By.id("no-tokens")).getText()).isEqualTo("No token matches.");
		open("/console/tokens/" + jti + "/revoke");
		assertThat(this.browser.findElement(By.id("denied")).getText()).isEqualTo("403 · Not allowed");
		assertThat(this.jdbc
			.sql("SELECT reason FROM audit_record WHERE chain = ? AND action = 'console.denied' AND actor = ?")
			.params(other.id(), owner.actor())
			.query(String.class)
			.single()).isEqualTo("not the owner of this token's agent");
		signOut();

		Person auditor = person(Set.of(Person.AUDITOR));
		open("/console/login");
		signIn(auditor.username(), PASSWORD);
		assertThat(this.browser.findElement(By.id("signed-in-as")).getText()).isEqualTo(auditor.email());
		open("/console/tokens?jti=" + jti);
		assertThat(
				this.browser.findElement(By.cssSelector("#tokens tr[data-jti='" + jti + "'] .token-state")).getText())
			.isEqualTo("active");
		assertThat(this.browser.findElements(By.className("revoke-token"))).isEmpty();
		open("/console/agents/" + other.id());
		assertThat(this.browser.findElements(By.cssSelector("form[method='post']"))).hasSize(1); // sign-out
		assertThat(this.browser.findElements(By.id("register-agent"))).isEmpty();
		open("/console/tokens/" + jti + "/revoke");
		assertThat(this.browser.findElement(By.id("denied")).getText()).isEqualTo("403 · Not allowed");
		screenshot("tokens-auditor");
		assertThat(this.jdbc.sql("SELECT revoked_at IS NULL FROM issued_token WHERE jti = ?")
			.param(jti)
			.query(Boolean.class)
			.single()).isTrue();
	}

	private void scrollTo(String id) {
		((JavascriptExecutor) this.browser).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
	}

	private String keyStatus(String kid) {
		return this.browser.findElement(By.cssSelector("#keys tr[data-kid='" + kid + "'] .key-status")).getText();
	}

	private void open(String path) {
		this.browser.get("http://localhost:" + this.port + path);
	}

	private void signIn(String username, String password) {
		WebElement name = this.browser.findElement(By.id("username"));
		name.clear();
		name.sendKeys(username);
		this.browser.findElement(By.id("password")).sendKeys(password);
		this.browser.findElement(By.id("sign-in")).click();
		// the next step must not race the sign-in's own navigation (its session cookie)
		waitFor("signed-in-as");
	}

	private void signOut() {
		this.browser.findElement(By.id("sign-out")).click();
		waitFor("signed-out");
	}

	private void waitFor(String id) {
		new WebDriverWait(this.browser, Duration.ofSeconds(15)).ignoring(WebDriverException.class)
			.until((page) -> !page.findElements(By.id(id)).isEmpty());
	}

	private WebElement row(String agentId) {
		return this.browser.findElement(By.cssSelector("#agents tr[data-agent-id='" + agentId + "']"));
	}

	private Person person(Set<String> roles) {
		String name = "j-" + UUID.randomUUID().toString().substring(0, 8);
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
