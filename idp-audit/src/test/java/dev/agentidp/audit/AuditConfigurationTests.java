package dev.agentidp.audit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refusal writers are sized from the connection pool as the pool has it, not from a
 * setting read beside it (issue 15, item 7: no {@code @Value} in a domain module).
 */
class AuditConfigurationTests {

	@Test
	void poolSizeWhenHikariThenItsMaximumPoolSize() {
		// not started: a pool starts on its first connection
		try (HikariDataSource pool = new HikariDataSource()) {
			pool.setMaximumPoolSize(24);
			assertThat(AuditConfiguration.poolSize(pool)).isEqualTo(24);
		}
	}

	@Test
	void poolSizeWhenNotHikariThenHikarisDefault() {
		assertThat(AuditConfiguration.poolSize(new SimpleDriverDataSource())).isEqualTo(10);
	}

}
