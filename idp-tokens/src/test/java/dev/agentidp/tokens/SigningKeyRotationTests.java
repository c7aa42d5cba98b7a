package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.db.test.TestDatabase;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14: rotating the provider's signing key on demand (item 9), on every node, and
 * {@code signing_key} rows authenticated with the key-encryption key before they are
 * published or trusted (item 1), on a real PostgreSQL.
 */
class SigningKeyRotationTests {

	private static final byte[] KEK = new byte[32];

	private JdbcClient jdbc;

	private TransactionTemplate transactions;

	private final List<Object> events = new ArrayList<>();

	@BeforeEach
	void setUp() {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		DataSource dataSource = new DriverManagerDataSource(schema.url(), schema.username(), schema.password());
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	private SigningKeys node(String algorithm) {
		SigningKeys keys = new SigningKeys(this.jdbc, this.transactions, new SigningKeyCipher(KEK), algorithm,
				this.events::add);
		keys.afterPropertiesSet();
		return keys;
	}

	@Test
	void rotatingSignsWithANewKeyAtOnceAndKeepsTheOldOnePublishedForTheTokensItSigned() {
		SigningKeys keys = node("EdDSA");
		String oldKid = keys.active().kid();
		Jwt before = sign(keys, "jti-before");
		SigningKeys.KeyInfo rotated = keys.rotate(null, "admin-1");
		assertThat(rotated.kid()).isNotEqualTo(oldKid);
		assertThat(rotated.algorithm()).isEqualTo("EdDSA");
		assertThat(rotated.status()).isEqualTo("active");
		assertThat(keys.active().kid()).isEqualTo(rotated.kid());
		assertThat(sign(keys, "jti-after").getHeaders()).containsEntry("kid", rotated.kid());
		assertThat(keys.publicKeys().getKeys()).extracting((key) -> key.getKeyID())
			.containsExactlyInAnyOrder(oldKid, rotated.kid());
		assertThat(ProviderJwtDecoders.accessTokens(keys, "https://idp.example").decode(before.getTokenValue()).getId())
			.isEqualTo("jti-before");
		assertThat(keys.keys()).filteredOn((key) -> key.kid().equals(oldKid)).singleElement().satisfies((key) -> {
			assertThat(key.status()).isEqualTo("retired");
			// published longer than any token lives (24 h at most)
			assertThat(key.publishedUntil()).isAfter(Instant.now().plus(Duration.ofHours(24)));
			assertThat(key.publicJwk()).doesNotContainKey("d");
		});
		assertThat(this.events).singleElement().isInstanceOfSatisfying(SigningKeyRotated.class, (event) -> {
			assertThat(event.auditEntry().action()).isEqualTo("signing_key.rotated");
			assertThat(event.auditEntry().actor()).isEqualTo("admin-1");
			assertThat(event.retired()).containsExactly(oldKid);
		});
	}

	@Test
	void rotatingToAnotherAlgorithmSignsWithIt() {
		SigningKeys keys = node("EdDSA");
		SigningKeys.KeyInfo rotated = keys.rotate("ES256", "admin-1");
		assertThat(rotated.algorithm()).isEqualTo("ES256");
		assertThat(sign(keys, "jti-es").getHeaders()).containsEntry("alg", "ES256");
		assertThat(this.jdbc.sql("SELECT count(*) FROM signing_key WHERE status = 'active'").query(Long.class).single())
			.isOne();
	}

	@Test
	void anotherNodeSignsWithTheRotatedKeyWithinASecond() throws InterruptedException {
		SigningKeys a = node("EdDSA");
		SigningKeys b = node("EdDSA");
		assertThat(sign(b, "jti-b1").getHeaders()).containsEntry("kid", a.active().kid());
		String rotated = a.rotate(null, "admin-1").kid();
		long deadline = System.nanoTime() + SigningKeys.ACTIVE_CHECK_EVERY.multipliedBy(3).toNanos();
		while (!b.active().kid().equals(rotated) && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(sign(b, "jti-b2").getHeaders()).containsEntry("kid", rotated);
		assertThat(b.publicKeys().getKeys()).extracting((key) -> key.getKeyID()).contains(rotated);
	}

	@Test
	void aRowTheKeyEncryptionKeyDoesNotAuthenticateIsNeitherPublishedNorTrusted() throws Exception {
		SigningKeys keys = node("EdDSA");
		String genuine = keys.active().kid();
		OctetKeyPair forged = ed25519(null);
		// a database writer without the key-encryption key: junk ciphertext, a retired
		// row
		// still in its publication window
		insertRow(forged.getKeyID(), "EdDSA", forged.toPublicJWK().toJSONString(),
				"junk".getBytes(StandardCharsets.UTF_8));
		// ... a genuine ciphertext moved under another public key (the kid is the AAD)
		OctetKeyPair swapped = ed25519(genuine + "x");
		byte[] genuineSealed = this.jdbc.sql("SELECT private_key_enc FROM signing_key WHERE kid = ?")
			.param(genuine)
			.query(byte[].class)
			.single();
		insertRow(genuine + "x", "EdDSA", swapped.toPublicJWK().toJSONString(), genuineSealed);
		// ... and one sealed with another key-encryption key
		OctetKeyPair otherKek = ed25519(null);
		byte[] other = KEK.clone();
		other[0] = 9;
		insertRow(otherKek.getKeyID(), "EdDSA", otherKek.toPublicJWK().toJSONString(), new SigningKeyCipher(other)
			.encrypt(otherKek.toJSONString().getBytes(StandardCharsets.UTF_8), otherKek.getKeyID()));
		keys.reload();
		assertThat(keys.publicKeys().getKeys()).extracting((key) -> key.getKeyID()).containsExactly(genuine);
		assertThat(keys.verificationKey(forged.getKeyID())).isEmpty();
		assertThat(keys.unauthenticatedRows()).isEqualTo(3);
		assertThat(keys.keys()).filteredOn((key) -> key.status().equals("unauthenticated"))
			.extracting(SigningKeys.KeyInfo::kid)
			.containsExactlyInAnyOrder(forged.getKeyID(), genuine + "x", otherKek.getKeyID());
		keys.reload();
		assertThat(keys.unauthenticatedRows()).as("each row counted once").isEqualTo(3);
		// a token signed with the forged key is refused
		SignedJWT token = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(forged.getKeyID())
					.type(new JOSEObjectType("at+jwt"))
					.build(),
				new JWTClaimsSet.Builder().issuer("https://idp.example")
					.subject("forger")
					.jwtID("forged")
					.expirationTime(java.util.Date.from(Instant.now().plusSeconds(300)))
					.build());
		token.sign(new Ed25519JwsSigner(forged.getD().decode(), forged.getX().decode()));
		assertThatThrownBy(
				() -> ProviderJwtDecoders.accessTokens(keys, "https://idp.example").decode(token.serialize()))
			.isInstanceOf(JwtException.class);
		// and a fresh node agrees
		assertThat(node("EdDSA").publicKeys().getKeys()).extracting((key) -> key.getKeyID()).containsExactly(genuine);
	}

	@Test
	void anActiveKeyWhosePublicPartWasReplacedIsRefused() throws Exception {
		SigningKeys keys = node("EdDSA");
		String genuine = keys.active().kid();
		OctetKeyPair attacker = ed25519(genuine);
		this.jdbc.sql("UPDATE signing_key SET public_jwk = ?::jsonb WHERE kid = ?")
			.params(attacker.toPublicJWK().toJSONString(), genuine)
			.update();
		assertThatThrownBy(keys::reload).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("authenticates");
		// the node keeps what it had
		assertThat(keys.publicKeys().getKeys()).singleElement()
			.satisfies((key) -> assertThat(key.toJSONString()).doesNotContain(attacker.getX().toString()));
	}

	/** An Ed25519 pair with this kid, or its thumbprint when {@code null}. */
	private static OctetKeyPair ed25519(String kid) throws Exception {
		byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
		Ed25519.generatePrivateKey(new java.security.SecureRandom(), sk);
		byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
		Ed25519.generatePublicKey(sk, 0, pk, 0);
		OctetKeyPair.Builder key = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(pk)).d(Base64URL.encode(sk))
			.algorithm(JWSAlgorithm.EdDSA);
		return (kid != null) ? key.keyID(kid).build() : key.keyIDFromThumbprint().build();
	}

	private void insertRow(String kid, String algorithm, String publicJwk, byte[] sealed) {
		this.jdbc.sql("""
				INSERT INTO signing_key (kid, algorithm, public_jwk, private_key_enc, status, created_at, retired_at)
				VALUES (?, ?, ?::jsonb, ?, 'retired', now(), now())""")
			.params(kid, algorithm, publicJwk, sealed)
			.update();
	}

	private static Jwt sign(SigningKeys keys, String jti) {
		return new ProviderJwtEncoder(keys)
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).type("at+jwt").build(),
					JwtClaimsSet.builder()
						.issuer("https://idp.example")
						.subject("agent-1")
						.audience(List.of("https://api.example"))
						.issuedAt(Instant.now())
						.expiresAt(Instant.now().plusSeconds(300))
						.id(jti)
						.build()));
	}

}
