package dev.agentidp.console;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.util.Assert;

/**
 * The {@code person} rows (V15).
 */
@Repository
class PersonRows {

	private static final String COLUMNS = "id, username, email, roles, created_at, disabled_at, password_hash";

	private static final String INSERT = """
			INSERT INTO person (id, username, email, password_hash, roles, created_at)
			VALUES (:id, :username, :email, :hash, string_to_array(:roles, ','), :createdAt)""";

	private static final String FIND = "SELECT " + COLUMNS + " FROM person WHERE username = :login OR email = :login";

	private static final String PAGE = "SELECT " + COLUMNS
			+ " FROM person WHERE (CAST(:after AS varchar) IS NULL OR username > :after) ORDER BY username LIMIT :limit";

	private static final String DISABLE = "UPDATE person SET disabled_at = :now WHERE username = :username"
			+ " AND disabled_at IS NULL";

	private final JdbcClient jdbc;

	PersonRows(JdbcClient jdbc) {
		Assert.notNull(jdbc, "jdbc cannot be null");
		this.jdbc = jdbc;
	}

	/** A person with the hash of their password, for checking it only. */
	record Credentials(Person person, String passwordHash) {
	}

	void insert(Person person, String passwordHash) {
		this.jdbc.sql(INSERT)
			.param("id", person.id())
			.param("username", person.username())
			.param("email", person.email())
			.param("hash", passwordHash)
			.param("roles", String.join(",", person.roles()))
			.param("createdAt", Timestamp.from(person.createdAt()))
			.update();
	}

	Optional<Person> find(String login) {
		return credentials(login).map(Credentials::person);
	}

	Optional<Credentials> credentials(String login) {
		return this.jdbc.sql(FIND).param("login", login).query(PersonRows::mapRow).optional();
	}

	/**
	 * People by username, after {@code after} (exclusive; {@code null} for the first).
	 */
	List<Person> page(String after, int limit) {
		return this.jdbc.sql(PAGE)
			.param("after", after)
			.param("limit", limit)
			.query(PersonRows::mapRow)
			.list()
			.stream()
			.map(Credentials::person)
			.toList();
	}

	/** Disables an enabled person; {@code false} when there is none by that name. */
	boolean disable(String username, Instant now) {
		return this.jdbc.sql(DISABLE).param("username", username).param("now", Timestamp.from(now)).update() == 1;
	}

	Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

	private static Credentials mapRow(ResultSet rs, int row) throws SQLException {
		Array roles = rs.getArray("roles");
		Set<String> values = Set.of((String[]) roles.getArray());
		Person person = new Person(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("email"),
				values, rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("disabled_at") != null);
		return new Credentials(person, rs.getString("password_hash"));
	}

}
