package dev.agentidp.db;

import java.util.Map;

/**
 * The PostgreSQL server settings that make a commit durable, in the one place both
 * embedded PostgreSQLs take them from: the provider's default database and the tests'
 * fallback. zonky's embedded PostgreSQL starts the server with {@code -F} (fsync off) and
 * {@code synchronous_commit=off}, its test defaults; on an identity provider that loses
 * acknowledged tokens, revocations and audit records on a power cut. Each of these is
 * passed as {@code -c name=value}, which PostgreSQL applies after {@code -F}.
 *
 * @see <a href=
 * "https://www.postgresql.org/docs/current/runtime-config-wal.html">PostgreSQL: Write
 * Ahead Log settings</a>
 */
public final class DurableSettings {

	/**
	 * {@code fsync}: WAL and data files are flushed to disk; {@code synchronous_commit}:
	 * a commit returns once its WAL is flushed; {@code full_page_writes}: a page torn by
	 * a crash mid-write can be restored from the WAL.
	 */
	public static final Map<String, String> SERVER_SETTINGS = Map.of("fsync", "on", "synchronous_commit", "on",
			"full_page_writes", "on");

	private DurableSettings() {
	}

}
