package dev.agentidp.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refusal log writes one line per refusal up to its rates, and nothing a client sent
 * can break a line.
 */
class RefusalLogTests {

	private final AtomicLong now = new AtomicLong();

	private final List<String> lines = new ArrayList<>();

	private RefusalLog log;

	@BeforeEach
	void setUp() {
		Logger logger = (Logger) LoggerFactory.getLogger("refusal-log-test-" + System.nanoTime());
		AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
			@Override
			protected void append(ILoggingEvent event) {
				RefusalLogTests.this.lines.add(event.getFormattedMessage());
			}
		};
		appender.start();
		logger.addAppender(appender);
		this.log = new RefusalLog(logger, this.now::get);
	}

	@Test
	void refusedWhenUnderTheClientsRateThenOneLineWithClientEndpointAndReason() {
		assertThat(this.log.refused("agent-1", "/oauth2/token", "invalid_client: replayed jti")).isTrue();
		assertThat(this.lines)
			.containsExactly("Refused: client=agent-1 endpoint=/oauth2/token reason=invalid_client: replayed jti");
	}

	@Test
	void refusedWhenOverTheClientsRateThenNothingUntilTheMinuteIsOver() {
		for (int i = 0; i < 50; i++) {
			this.log.refused("victim", "/oauth2/token", "invalid_client");
		}
		assertThat(this.lines).hasSize(RefusalLog.LINES_PER_CLIENT);
		assertThat(this.lines.get(RefusalLog.LINES_PER_CLIENT - 1)).contains("not logged for the rest of the minute");
		// another client is not silenced by the first one's flood
		assertThat(this.log.refused("other", "/oauth2/token", "invalid_client")).isTrue();
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(61));
		assertThat(this.log.refused("victim", "/oauth2/token", "invalid_client")).isTrue();
	}

	@Test
	void refusedWhenManyClientsFloodThenAtMostTheGlobalRateAMinute() {
		for (int i = 0; i < 10_000; i++) {
			this.log.refused("random-" + i, "/oauth2/token", "invalid_client");
		}
		assertThat(this.lines).hasSize(RefusalLog.LINES_PER_MINUTE);
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(60));
		assertThat(this.log.refused("random-again", "/oauth2/token", "invalid_client")).isTrue();
	}

	@Test
	void refusedWhenInputHasLineBreaksOrIsLongThenOneBoundedLine() {
		this.log.refused("evil\nINFO forged line", "/oauth2/token\r\n", "x".repeat(5000));
		assertThat(this.lines).hasSize(1);
		assertThat(this.lines.get(0)).doesNotContain("\n", "\r").hasSizeLessThan(700);
	}

}
