package dev.agentidp.app.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import dev.agentidp.app.fixtures.TestAgent;
import dev.agentidp.app.fixtures.TestProvider;
import dev.agentidp.db.test.TestDatabase;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in through the organisation's OpenID Connect provider in a real browser (issue 18,
 * "a federation test against a real OIDC server started by the test"): NAV's
 * {@code mock-oauth2-server} with its interactive login page, where the test types the
 * subject and the claims the ID token carries. A {@code groups} value mapped to
 * {@code auditor} reads everything and changes nothing; a value mapped to nothing gets
 * the 403 page; an address the provider has not verified is refused. Each outcome is
 * audited. A provider of its own, as it needs the federation settings.
 */
class ConsoleFederationBrowserTests {

	private static final String ISSUER_ID = "corp";

	@TempDir
	static Path dataDir;

	private static MockOAuth2Server oidc;

	private static TestProvider provider;

	@TempDir
	Path profile;

	private ConsoleBrowser browser;

	@BeforeAll
	static void start() {
		ConsoleBrowser.assumeChromium();
		oidc = new MockOAuth2Server(new OAuth2Config(true));
		oidc.start(0);
		provider = TestProvider.start(TestDatabase.newSchema(), dataDir, "idp.console.federation.issuer-uri",
				oidc.issuerUrl(ISSUER_ID).toString(), "idp.console.federation.client-id", "console",
				"idp.console.federation.client-secret", "console-secret-0123456789",
				"idp.console.federation.role-mapping.idp-auditors", "auditor",
				"idp.console.federation.role-mapping.idp-admins", "admin,owner",
				"idp.audit.refusals.individual-per-source", "1000000", "idp.audit.refusals.max-individual", "1000000");
	}

	@AfterAll
	static void stop() {
		if (provider != null) {
			provider.close();
		}
		if (oidc != null) {
			oidc.shutdown();
		}
	}

	@BeforeEach
	void openBrowser() {
		this.browser = ConsoleBrowser.open(provider.baseUrl(), this.profile);
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.close();
		}
	}

	@Test
	void aGroupMappedToAuditorSignsInAndReadsEverythingButChangesNothing() {
		TestAgent agent = provider.registerAgent(provider.adminToken(), "files:read");
		String email = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
		this.browser.get("/console");
		assertThat(this.browser.currentUrl()).endsWith("/console/login");
		this.browser.byId("sign-in-oidc").click();
		signInAtTheOrganisation(email, "{\"email\": \"" + email.toUpperCase()
				+ "\", \"email_verified\": true, \"groups\": [\"idp-auditors\", \"unmapped\"]}");
		// back where the person was going (Spring Security's request cache marks it)
		assertThat(this.browser.currentUrl()).contains("/console?continue");
		assertThat(this.browser.text("signed-in-as")).isEqualTo(email);
		this.browser.screenshot("federated-inventory");

		this.browser.get("/console/agents/" + agent.id());
		assertThat(this.browser.text("agent-status")).isEqualTo("active");
		assertThat(this.browser.has("suspend")).isFalse();
		assertThat(provider.jdbc()
			.sql("SELECT details->>'issuer' FROM audit_record WHERE action = 'console.signed_in' AND actor = ?")
			.param("user:" + email)
			.query(String.class)
			.single()).isEqualTo(oidc.issuerUrl(ISSUER_ID).toString());
		assertThat(provider.jdbc()
			.sql("SELECT details->>'roles' FROM audit_record WHERE action = 'console.signed_in' AND actor = ?")
			.param("user:" + email)
			.query(String.class)
			.single()).isEqualTo("[\"auditor\"]");
	}

	@Test
	void aGroupMappedToNothingGetsTheForbiddenPageAudited() {
		String email = "bob-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
		this.browser.get("/console/login");
		this.browser.byId("sign-in-oidc").click();
		signInAtTheOrganisation(email,
				"{\"email\": \"" + email + "\", \"email_verified\": true, \"groups\": [\"sales\"]}");
		assertThat(this.browser.text("denied")).isEqualTo("403 · Not allowed");
		this.browser.screenshot("federated-no-role");
		assertThat(provider.jdbc()
			.sql("SELECT reason FROM audit_record WHERE action = 'console.denied' AND actor = ?")
			.param("user:" + email)
			.query(String.class)
			.list()).contains("no role for this page or action");
	}

	@Test
	void anAddressTheProviderHasNotVerifiedIsRefusedAudited() {
		String email = "eve-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
		this.browser.get("/console/login");
		this.browser.byId("sign-in-oidc").click();
		signInAtTheOrganisation(email,
				"{\"email\": \"" + email + "\", \"email_verified\": false, \"groups\": [\"idp-admins\"]}");
		assertThat(this.browser.currentUrl()).endsWith("/console/login?error");
		assertThat(this.browser.text("sign-in-failed")).startsWith("Sign-in failed.");
		assertThat(provider.jdbc()
			.sql("SELECT reason FROM audit_record WHERE action = 'console.sign_in_denied' AND actor = ?")
			.param("user:" + email)
			.query(String.class)
			.single()).isEqualTo("the OpenID Connect provider has not verified the email address");
		this.browser.get("/console");
		assertThat(this.browser.currentUrl()).endsWith("/console/login");
	}

	/** The mock provider's own login page: a subject and the claims of the ID token. */
	private void signInAtTheOrganisation(String subject, String claims) {
		assertThat(this.browser.currentUrl()).startsWith(oidc.baseUrl().toString());
		this.browser.driver().findElement(By.name("username")).sendKeys(subject);
		this.browser.driver().findElement(By.name("claims")).sendKeys(claims);
		this.browser.screenshot("federated-provider-login");
		this.browser.driver().findElement(By.cssSelector("input[type=submit]")).click();
		// back through the redirects to the console, and its page loaded
		new WebDriverWait(this.browser.driver(), Duration.ofSeconds(20)).ignoring(WebDriverException.class)
			.until((driver) -> driver.getCurrentUrl().startsWith(provider.baseUrl())
					&& "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
	}

}
