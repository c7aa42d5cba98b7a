package dev.agentidp.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import dev.agentidp.db.test.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every migration applies cleanly to an empty schema of a real PostgreSQL, and applying
 * them again is a no-op.
 */
class MigrationsTests {

	@Test
	void migrationsApplyToAnEmptySchemaAndAreIdempotent() throws Exception {
		TestDatabase.Schema schema = TestDatabase.newSchema();
		Flyway flyway = Flyway.configure()
			.dataSource(schema.url(), schema.username(), schema.password())
			.locations("classpath:db/migration")
			.load();
		assertThat(flyway.migrate().migrationsExecuted).isGreaterThanOrEqualTo(1);
		assertThat(flyway.migrate().migrationsExecuted).isZero();
		try (Connection connection = schema.connect();
				ResultSet tables = connection.getMetaData()
					.getTables(null, schema.schema(), "%", new String[] { "TABLE", "PARTITIONED TABLE" })) {
			List<String> names = new ArrayList<>();
			while (tables.next()) {
				names.add(tables.getString("TABLE_NAME"));
			}
			assertThat(names).contains("oauth_client", "signing_key", "issued_token", "budget_ledger",
					"dpop_nonce_key");
		}
	}

}
