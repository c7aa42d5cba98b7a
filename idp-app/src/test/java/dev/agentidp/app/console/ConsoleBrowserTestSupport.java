package dev.agentidp.app.console;

import java.nio.file.Path;

import dev.agentidp.app.fixtures.ProviderIntegrationTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser tests that drive the shared provider's console through a
 * {@link ConsoleBrowser}: skipped without Debian's Chromium, a browser with a profile of
 * its own opened before each test and closed after it.
 */
abstract class ConsoleBrowserTestSupport extends ProviderIntegrationTestSupport {

	@TempDir
	private Path profile;

	/** The browser of the running test. */
	protected ConsoleBrowser browser;

	@BeforeAll
	static void chromium() {
		ConsoleBrowser.assumeChromium();
	}

	@BeforeEach
	void openBrowser() {
		this.browser = ConsoleBrowser.open("http://localhost:" + this.port, this.profile);
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.close();
		}
	}

}
