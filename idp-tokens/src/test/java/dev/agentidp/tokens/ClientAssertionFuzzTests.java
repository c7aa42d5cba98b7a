package dev.agentidp.tokens;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzz targets (Jazzer) for the client-assertion decoder
 * ({@link ClientAssertionDecoders}, RFC 7523 {@code private_key_jwt}) of a client that is
 * not an agent, with its registered Ed25519 or P-256 key. Pure in memory: the replay
 * store's database is never reached by an assertion that fails any check, and reaching it
 * is asserted to happen only for an assertion that passes every RFC 7523 §3 check.
 * <p>
 * Without {@code JAZZER_FUZZ} each target runs the seeds committed under
 * {@code src/test/resources/dev/agentidp/tokens/ClientAssertionFuzzTestsInputs/} as an
 * ordinary test; with {@code JAZZER_FUZZ=1} Jazzer mutates them (docs/security.md).
 */
public final class ClientAssertionFuzzTests {

	private static final String CLIENT_ID = "fuzz-client";

	private static final String ISSUER = "https://idp.example";

	/** The fixed time of every decoding, so that findings reproduce. */
	static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private static final Duration SKEW = Duration.ofSeconds(60);

	/**
	 * Exceptions that are programming errors wherever they appear, even wrapped in a
	 * {@link JwtException} (Spring's decoder wraps whatever the processor throws).
	 * {@link IllegalArgumentException} and {@link IllegalStateException} are not among
	 * them: Spring's claim converters refuse with them (an {@code iss} with a colon that
	 * is not a URI, RFC 7519 §2 StringOrURI).
	 */
	private static final Set<Class<?>> BUGS = Set.of(NullPointerException.class, ClassCastException.class,
			IndexOutOfBoundsException.class, ArrayIndexOutOfBoundsException.class,
			StringIndexOutOfBoundsException.class, ArithmeticException.class, NumberFormatException.class,
			NegativeArraySizeException.class, StackOverflowError.class, OutOfMemoryError.class);

	private static final byte[] ED25519_PRIVATE = new byte[Ed25519.SECRET_KEY_SIZE];

	private static JwtDecoder ed25519Client;

	private static JwtDecoder p256Client;

	private static ECKey p256Key;

	@BeforeAll
	static void registerClients() throws JOSEException {
		for (int i = 0; i < ED25519_PRIVATE.length; i++) {
			ED25519_PRIVATE[i] = (byte) (i * 7 + 1);
		}
		byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(ED25519_PRIVATE, 0, publicKey, 0);
		OctetKeyPair ed25519 = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(publicKey)).keyID("ed").build();
		p256Key = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
		// the failure cap would refuse every input after the first 20 without parsing it
		ClientAssertionDecoders decoders = new ClientAssertionDecoders(
				new ClientAssertions(JdbcClient.create(new UnreachableDataSource())), SKEW, Integer.MAX_VALUE,
				ClientAssertionDecoders.MAX_LIFETIME, Clock.fixed(NOW, ZoneOffset.UTC));
		ed25519Client = decoders.createDecoder(client(ed25519));
		p256Client = decoders.createDecoder(client(p256Key.toPublicJWK()));
		AuthorizationServerSettings settings = AuthorizationServerSettings.builder().issuer(ISSUER).build();
		AuthorizationServerContextHolder.setContext(new AuthorizationServerContext() {

			@Override
			public String getIssuer() {
				return ISSUER;
			}

			@Override
			public AuthorizationServerSettings getAuthorizationServerSettings() {
				return settings;
			}

		});
	}

	@AfterAll
	static void clearContext() {
		AuthorizationServerContextHolder.resetContext();
	}

	/**
	 * Any text at all as the assertion.
	 * @param input the fuzzer's bytes, read as UTF-8
	 */
	@FuzzTest(maxDuration = "15s")
	void anyTextAsAnAssertionIsRefusedWithAJwtException(byte[] input) {
		String assertion = new String(input, StandardCharsets.UTF_8);
		decodeWithBothClients(assertion, false);
	}

	/**
	 * A JWS built from fuzzed JSON: line 1 is the header, line 2 the claims (each
	 * base64url-encoded as they are), line 3 says how to sign: {@code ed25519} or
	 * {@code p256} with the client's registered key (so that the claims checks are
	 * reached), anything else is used as the signature's bytes; further lines are
	 * appended as further segments.
	 * @param input the fuzzer's bytes, read as UTF-8 lines
	 */
	@FuzzTest(maxDuration = "15s")
	void structuredAssertionsAreRefusedUnlessTheyPassEveryCheck(byte[] input) throws JOSEException {
		String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
		String header = Base64URL.encode(line(lines, 0)).toString();
		String claims = Base64URL.encode(line(lines, 1)).toString();
		String signingInput = header + "." + claims;
		String signing = line(lines, 2);
		boolean signed = true;
		String signature;
		if ("ed25519".equals(signing)) {
			byte[] message = signingInput.getBytes(StandardCharsets.US_ASCII);
			byte[] bytes = new byte[Ed25519.SIGNATURE_SIZE];
			Ed25519.sign(ED25519_PRIVATE, 0, message, 0, message.length, bytes, 0);
			signature = Base64URL.encode(bytes).toString();
		}
		else if ("p256".equals(signing)) {
			signature = new ECDSASigner(p256Key)
				.sign(new JWSHeader(JWSAlgorithm.ES256), signingInput.getBytes(StandardCharsets.US_ASCII))
				.toString();
		}
		else {
			signed = false;
			signature = Base64URL.encode(signing).toString();
		}
		StringBuilder assertion = new StringBuilder(signingInput).append('.').append(signature);
		for (int i = 3; i < lines.length; i++) {
			assertion.append('.').append(lines[i]);
		}
		decodeWithBothClients(assertion.toString(), signed);
	}

	private static void decodeWithBothClients(String assertion, boolean signed) {
		for (JwtDecoder decoder : List.of(ed25519Client, p256Client)) {
			try {
				decoder.decode(assertion);
				throw new AssertionError("Accepted without reaching the replay store: " + assertion);
			}
			catch (JwtException ex) {
				assertNoBugIn(ex);
			}
			catch (RuntimeException ex) {
				if (!reachedReplayStore(ex)) {
					throw ex;
				}
				// only an assertion that passed every check reaches the replay store
				assertPassesEveryCheck(assertion, signed);
			}
		}
	}

	private static boolean reachedReplayStore(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ReplayStoreReached) {
				return true;
			}
		}
		return false;
	}

	private static void assertNoBugIn(Throwable refusal) {
		for (Throwable cause = refusal; cause != null; cause = cause.getCause()) {
			if (BUGS.contains(cause.getClass())) {
				throw new AssertionError("Refused, but by a programming error", refusal);
			}
		}
	}

	/** RFC 7523 §3 (1)-(7), checked independently of the decoder. */
	private static void assertPassesEveryCheck(String assertion, boolean signed) {
		assertThat(signed).as("signed with the registered key").isTrue();
		String[] parts = assertion.split("\\.", -1);
		assertThat(parts).hasSize(3);
		JWTClaimsSet claims;
		try {
			claims = JWTClaimsSet.parse(new Base64URL(parts[1]).decodeToString());
		}
		catch (java.text.ParseException ex) {
			throw new AssertionError("Accepted claims that do not parse", ex);
		}
		assertThat(claims.getIssuer()).isEqualTo(CLIENT_ID);
		assertThat(claims.getSubject()).isEqualTo(CLIENT_ID);
		// RFC 7523 §3 (3): the issuer or the token endpoint, a trailing slash tolerated;
		// RFC 7519 §4.1.3: every member a string
		assertThat(claims.getAudience()).doesNotContainNull();
		assertThat(claims.getAudience()).map((aud) -> aud.endsWith("/") ? aud.substring(0, aud.length() - 1) : aud)
			.containsAnyOf(ISSUER, ISSUER + "/oauth2/token");
		Date exp = claims.getExpirationTime();
		assertThat(exp).isNotNull();
		assertThat(exp.toInstant()).isAfter(NOW.minus(SKEW))
			.isBeforeOrEqualTo(NOW.plus(ClientAssertionDecoders.MAX_LIFETIME).plus(SKEW));
		for (Date date : new Date[] { claims.getIssueTime(), claims.getNotBeforeTime() }) {
			if (date != null) {
				assertThat(date.toInstant()).isBetween(NOW.minus(ClientAssertionDecoders.MAX_AGE), NOW.plus(SKEW));
			}
		}
		assertThat(claims.getJWTID()).isNotEmpty().hasSizeLessThanOrEqualTo(256);
	}

	private static String line(String[] lines, int index) {
		return (index < lines.length) ? lines[index] : "";
	}

	private static RegisteredClient client(JWK jwk) {
		return RegisteredClient.withId(CLIENT_ID)
			.clientId(CLIENT_ID)
			.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.clientSettings(ClientSettings.builder().setting(RegistryClients.CLIENT_JWK, jwk).build())
			.build();
	}

	/** Thrown by the replay store's database, whatever Spring wraps it in. */
	private static final class ReplayStoreReached extends SQLException {

		ReplayStoreReached() {
			super("the replay store is reached only by an assertion that passed every check");
		}

	}

	/** The replay store's database, which no refused assertion may reach. */
	private static final class UnreachableDataSource implements DataSource {

		@Override
		public Connection getConnection() throws SQLException {
			throw new ReplayStoreReached();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@Override
		public PrintWriter getLogWriter() {
			return null;
		}

		@Override
		public void setLogWriter(PrintWriter out) {
		}

		@Override
		public void setLoginTimeout(int seconds) {
		}

		@Override
		public int getLoginTimeout() {
			return 0;
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> type) {
			return false;
		}

	}

}
