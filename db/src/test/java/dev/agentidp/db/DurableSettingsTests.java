package dev.agentidp.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable settings win over the embedded PostgreSQL's own defaults ({@code -F} and
 * {@code synchronous_commit=off}), as the server itself reports them.
 */
class DurableSettingsTests {

	@Test
	void anEmbeddedPostgresqlStartedWithTheDurableSettingsFlushesEveryCommit() throws Exception {
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
		DurableSettings.SERVER_SETTINGS.forEach(builder::setServerConfig);
		try (EmbeddedPostgres postgres = builder.start();
				Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT name, setting FROM pg_settings"
						+ " WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")) {
			Map<String, String> settings = new TreeMap<>();
			while (rs.next()) {
				settings.put(rs.getString(1), rs.getString(2));
			}
			assertThat(settings).isEqualTo(new TreeMap<>(DurableSettings.SERVER_SETTINGS));
		}
	}

}
