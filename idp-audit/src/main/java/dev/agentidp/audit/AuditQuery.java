package dev.agentidp.audit;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A query of the audit trail: every filter optional; newest records first.
 *
 * @param chain only this chain (an agent id or {@code _system}), or {@code null}
 * @param actor only records by this actor, or {@code null}
 * @param action only this action, or {@code null}
 * @param decision only this decision, or {@code null}
 * @param from only records that occurred at or after this instant, or {@code null}
 * @param to only records that occurred before this instant, or {@code null}
 * @param limit at most this many records (1 to {@link #MAX_LIMIT})
 * @param cursor the {@code nextCursor} of the previous page, or {@code null}
 */
public record AuditQuery(String chain, String actor, String action, Decision decision, Instant from, Instant to,
		int limit, String cursor) {

	/** The page size when none is asked for. */
	public static final int DEFAULT_LIMIT = 50;

	/** The largest page size. */
	public static final int MAX_LIMIT = 500;

	/**
	 * The earliest instant a query (or a cursor) may name: PostgreSQL's timestamps end in
	 * 294276 AD, and an instant beyond them failed in the database.
	 */
	public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

	/** The latest instant a query (or a cursor) may name. */
	public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

	public AuditQuery {
		Assert.isTrue(limit >= 1 && limit <= MAX_LIMIT, "limit must be between 1 and " + MAX_LIMIT);
		requireInRange("from", from);
		requireInRange("to", to);
	}

	/**
	 * Whether an instant lies between {@link #EARLIEST} and {@link #LATEST}.
	 * @param instant the instant
	 * @return {@code true} when a query may name it
	 */
	public static boolean inRange(Instant instant) {
		return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
	}

	private static void requireInRange(String parameter, Instant instant) {
		if (instant != null && !inRange(instant)) {
			throw new InvalidAuditQueryException(parameter, parameter + " must lie between 0001-01-01 and 9999-12-31");
		}
	}

	/**
	 * Reads a page size given as a query parameter, for every API that pages audit
	 * records (the audit API, an agent's decisions).
	 * @param value the parameter, or {@code null} for {@link #DEFAULT_LIMIT}
	 * @return the limit
	 * @throws InvalidAuditQueryException unless it is an integer from 1 to
	 * {@link #MAX_LIMIT}
	 */
	public static int limit(String value) {
		if (value == null) {
			return DEFAULT_LIMIT;
		}
		try {
			int limit = Integer.parseInt(value);
			if (limit >= 1 && limit <= MAX_LIMIT) {
				return limit;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidAuditQueryException("limit", "limit must be an integer from 1 to " + MAX_LIMIT);
	}

	/**
	 * A query of everything, first page, default size.
	 * @return the query
	 */
	public static AuditQuery all() {
		return new AuditQuery(null, null, null, null, null, null, DEFAULT_LIMIT, null);
	}

}
