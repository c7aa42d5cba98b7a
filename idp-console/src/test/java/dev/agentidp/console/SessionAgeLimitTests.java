package dev.agentidp.console;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console session's absolute timeout ({@link SessionAgeLimit}).
 */
class SessionAgeLimitTests {

	private final SessionAgeLimit limit = new SessionAgeLimit(Duration.ofHours(12));

	@Test
	void doFilterWhenTheSessionIsOlderThanTheLimitThenItIsEndedAndTheRequestGoesOn() throws Exception {
		MockHttpSession session = new MockHttpSession() {

			@Override
			public long getCreationTime() {
				return System.currentTimeMillis() - Duration.ofHours(12).plusSeconds(1).toMillis();
			}

		};
		MockFilterChain chain = new MockFilterChain();
		this.limit.doFilter(request(session), new MockHttpServletResponse(), chain);
		assertThat(session.isInvalid()).isTrue();
		assertThat(chain.getRequest()).isNotNull();
	}

	@Test
	void doFilterWhenTheSessionIsYoungerThanTheLimitThenItIsKept() throws Exception {
		MockHttpSession session = new MockHttpSession();
		this.limit.doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());
		assertThat(session.isInvalid()).isFalse();
	}

	@Test
	void doFilterWhenThereIsNoSessionThenNoneIsCreated() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/console");
		this.limit.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
		assertThat(request.getSession(false)).isNull();
	}

	private static MockHttpServletRequest request(MockHttpSession session) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/console");
		request.setSession(session);
		return request;
	}

}
