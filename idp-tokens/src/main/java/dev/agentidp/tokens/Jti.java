package dev.agentidp.tokens;

import java.util.Optional;
import java.util.UUID;

import org.springframework.util.Assert;

/**
 * The id of a token this provider issued (its {@code jti} claim, RFC 7519 §4.1.7), the
 * key of its row in the token store: 1 to {@value #MAX_LENGTH} characters (the column is
 * {@code varchar(64)}); the provider's own are random UUIDs. SQL is given
 * {@link #value()}, as are JSON, claims and audit records.
 *
 * @param value the text
 */
public record Jti(String value) {

	/** The longest jti: the token store's column. */
	public static final int MAX_LENGTH = 64;

	public Jti {
		Assert.isTrue(value != null && !value.isEmpty() && value.length() <= MAX_LENGTH,
				"a jti has 1 to " + MAX_LENGTH + " characters");
	}

	/**
	 * The jti of a text.
	 * @param value the text, 1 to {@value #MAX_LENGTH} characters
	 * @return the jti
	 * @throws IllegalArgumentException when the text is {@code null}, empty or longer
	 */
	public static Jti of(String value) {
		return new Jti(value);
	}

	/**
	 * The jti of a text that may not be one, such as a claim of a presented token: no
	 * token of this provider has a jti that is empty or longer than {@value #MAX_LENGTH}
	 * characters.
	 * @param value the text, or {@code null}
	 * @return the jti, or empty when the text cannot be one
	 */
	public static Optional<Jti> parse(String value) {
		if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
			return Optional.empty();
		}
		return Optional.of(new Jti(value));
	}

	/**
	 * A new jti: a random UUID, as the provider gives every token it issues.
	 * @return the jti
	 */
	public static Jti random() {
		return new Jti(UUID.randomUUID().toString());
	}

	/**
	 * The text, as in claims and audit records.
	 * @return the value
	 */
	@Override
	public String toString() {
		return this.value;
	}

}
