package dev.agentidp.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.agentidp.db.test.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's rule in SQL, {@code agent_active_version} (V29, its root-first form
 * V31), on a real PostgreSQL: the agent's version when it and every ancestor up to 64
 * levels (the agent counted) are active, else {@code NULL}, for a root, a sub-agent at
 * every depth, an unknown id, and a chain deeper than the limit.
 */
class AgentActiveVersionTests {

	private static TestDatabase.Schema schema;

	@BeforeAll
	static void migrate() {
		schema = TestDatabase.newSchema();
		Flyway.configure()
			.dataSource(schema.url(), schema.username(), schema.password())
			.locations("classpath:db/migration")
			.load()
			.migrate();
	}

	/** A chain of agents, root first, each at version {@code 10 + its depth}. */
	private static List<UUID> chain(Connection connection, int length) throws SQLException {
		List<UUID> ids = new ArrayList<>();
		UUID parent = null;
		for (int depth = 1; depth <= length; depth++) {
			UUID id = UUID.randomUUID();
			try (PreparedStatement insert = connection.prepareStatement("""
					INSERT INTO agent (id, parent_id, name, owner, status, risk_level, version, profile,
					                   created_at, updated_at)
					VALUES (?, ?, ?, 'owner@example.com', 'active', 'low', ?, '{}'::jsonb, now(), now())""")) {
				insert.setObject(1, id);
				insert.setObject(2, parent);
				insert.setString(3, "a-" + id.toString().substring(0, 8));
				insert.setLong(4, 10 + depth);
				insert.executeUpdate();
			}
			ids.add(id);
			parent = id;
		}
		return ids;
	}

	private static void status(Connection connection, UUID id, String status) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement("UPDATE agent SET status = ? WHERE id = ?")) {
			update.setString(1, status);
			update.setObject(2, id);
			update.executeUpdate();
		}
	}

	private static Long activeVersion(Connection connection, UUID id) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("SELECT agent_active_version(?)")) {
			select.setObject(1, id);
			try (ResultSet rs = select.executeQuery()) {
				rs.next();
				return rs.getObject(1, Long.class);
			}
		}
	}

	@Test
	void aRootAnswersItsVersionWhileActive() throws SQLException {
		try (Connection connection = schema.connect()) {
			UUID root = chain(connection, 1).get(0);
			assertThat(activeVersion(connection, root)).isEqualTo(11L);
			status(connection, root, "suspended");
			assertThat(activeVersion(connection, root)).isNull();
			status(connection, root, "retired");
			assertThat(activeVersion(connection, root)).isNull();
			assertThat(activeVersion(connection, UUID.randomUUID())).as("unknown").isNull();
		}
	}

	@Test
	void aSubAgentAnswersItsVersionOnlyWhileEveryAncestorIsActive() throws SQLException {
		try (Connection connection = schema.connect()) {
			List<UUID> ids = chain(connection, 4);
			UUID leaf = ids.get(3);
			assertThat(activeVersion(connection, leaf)).isEqualTo(14L);
			for (int i = 0; i < 4; i++) {
				status(connection, ids.get(i), "suspended");
				assertThat(activeVersion(connection, leaf)).as("agent %d of the chain suspended", i + 1).isNull();
				status(connection, ids.get(i), "active");
			}
			assertThat(activeVersion(connection, leaf)).isEqualTo(14L);
			assertThat(activeVersion(connection, ids.get(1))).isEqualTo(12L);
		}
	}

	@Test
	void anAncestorMoreThan64LevelsUpIsNotRead() throws SQLException {
		try (Connection connection = schema.connect()) {
			List<UUID> ids = chain(connection, 66);
			UUID leaf = ids.get(65);
			// the leaf is level 1; level 64 is ids[2], level 65 ids[1]
			status(connection, ids.get(1), "suspended");
			assertThat(activeVersion(connection, leaf)).as("level 65 suspended").isEqualTo(76L);
			status(connection, ids.get(1), "active");
			status(connection, ids.get(2), "suspended");
			assertThat(activeVersion(connection, leaf)).as("level 64 suspended").isNull();
		}
	}

}
