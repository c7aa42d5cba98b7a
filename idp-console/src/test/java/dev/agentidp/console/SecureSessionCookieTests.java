package dev.agentidp.console;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockServletContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session cookie is {@code Secure} outside the {@code dev} profile, whatever was
 * configured ({@link ConsoleSecurityConfiguration#secureSessionCookieOutsideDev}).
 */
class SecureSessionCookieTests {

	@Test
	void onStartupWhenProdThenTheCookieIsSecure() throws Exception {
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles("prod");
		MockServletContext context = new MockServletContext();
		context.getSessionCookieConfig().setSecure(false);
		new ConsoleSecurityConfiguration().secureSessionCookieOutsideDev(environment).onStartup(context);
		assertThat(context.getSessionCookieConfig().isSecure()).isTrue();
	}

	@Test
	void onStartupWhenDevThenTheCookieIsAsConfigured() throws Exception {
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles("dev");
		MockServletContext context = new MockServletContext();
		new ConsoleSecurityConfiguration().secureSessionCookieOutsideDev(environment).onStartup(context);
		assertThat(context.getSessionCookieConfig().isSecure()).isFalse();
	}

}
