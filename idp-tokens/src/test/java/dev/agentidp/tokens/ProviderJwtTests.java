package dev.agentidp.tokens;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.sql.DataSource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentidp.db.test.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provider's own tokens: signed with the persisted key, verified only when the
 * signature, key, algorithm, {@code typ} and lifetime all check out.
 */
class ProviderJwtTests {

	private static final byte[] KEK = new byte[32];

	JdbcClient jdbc;

	TransactionTemplate transactions;

	SigningKeys keys;

	ProviderJwtEncoder encoder;

	JwtDecoder decoder;

	@BeforeEach
	void setUp() {
		TestDatabase.Schema schema = TestDatabase.newMigratedSchema();
		DataSource dataSource = new DriverManagerDataSource(schema.url(), schema.username(), schema.password());
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.keys = newKeys("EdDSA", KEK);
		this.encoder = new ProviderJwtEncoder(this.keys);
		this.decoder = ProviderJwtDecoders.accessTokens(this.keys, "https://idp.example");
	}

	private SigningKeys newKeys(String algorithm, byte[] kek) {
		SigningKeys signingKeys = new SigningKeys(this.jdbc, this.transactions, new SigningKeyCipher(kek), algorithm);
		signingKeys.afterPropertiesSet();
		return signingKeys;
	}

	private Jwt encode(String type, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer("https://idp.example")
			.subject("agent-1")
			.audience(List.of("https://api.example"))
			.issuedAt(expiresAt.minusSeconds(300))
			.expiresAt(expiresAt)
			.id("jti-1")
			.claim("scope", "a b")
			.build();
		return this.encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).type(type).build(), claims));
	}

	@Test
	void encodedTokenDecodesWithItsClaims() {
		Jwt jwt = encode("at+jwt", Instant.now().plusSeconds(300));
		assertThat(jwt.getHeaders()).containsEntry("alg", "EdDSA").containsEntry("typ", "at+jwt");
		Jwt decoded = this.decoder.decode(jwt.getTokenValue());
		assertThat(decoded.getSubject()).isEqualTo("agent-1");
		assertThat(decoded.getId()).isEqualTo("jti-1");
		assertThat(decoded.getAudience()).containsExactly("https://api.example");
		assertThat(decoded.getClaimAsString("scope")).isEqualTo("a b");
	}

	@Test
	void switchingTheAlgorithmSignsWithANewKeyAndKeepsTheOldOnePublished() {
		Jwt before = encode("at+jwt", Instant.now().plusSeconds(300));
		String oldKid = this.keys.active().kid();
		SigningKeys switched = newKeys("ES256", KEK);
		assertThat(switched.active().algorithm().getName()).isEqualTo("ES256");
		assertThat(switched.active().kid()).isNotEqualTo(oldKid);
		// the JWKS serves both keys during the switch, so the old tokens still verify
		assertThat(switched.publicKeys().getKeys()).extracting((key) -> key.getKeyID())
			.containsExactlyInAnyOrder(oldKid, switched.active().kid());
		JwtDecoder decoder = ProviderJwtDecoders.accessTokens(switched, "https://idp.example");
		assertThat(decoder.decode(before.getTokenValue()).getId()).isEqualTo("jti-1");
		Jwt after = new ProviderJwtEncoder(switched)
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).type("at+jwt").build(),
					JwtClaimsSet.builder()
						.issuer("https://idp.example")
						.subject("agent-1")
						.audience(List.of("https://api.example"))
						.expiresAt(Instant.now().plusSeconds(300))
						.id("jti-2")
						.build()));
		assertThat(after.getHeaders()).containsEntry("alg", "ES256").containsEntry("kid", switched.active().kid());
		assertThat(decoder.decode(after.getTokenValue()).getId()).isEqualTo("jti-2");
		// the old algorithm's key signs no more: retired, with the time it was retired
		assertThat(this.jdbc.sql("SELECT status FROM signing_key WHERE kid = ?")
			.param(oldKid)
			.query(String.class)
			.single()).isEqualTo("retired");
	}

	@Test
	void anotherNodeOnTheSameDatabaseSignsWithTheSameKey() {
		SigningKeys other = newKeys("EdDSA", KEK);
		assertThat(other.active().kid()).isEqualTo(this.keys.active().kid());
		Jwt jwt = new ProviderJwtEncoder(other)
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).type("at+jwt").build(),
					JwtClaimsSet.builder()
						.issuer("https://idp.example")
						.subject("s")
						.expiresAt(Instant.now().plusSeconds(60))
						.build()));
		assertThat(this.decoder.decode(jwt.getTokenValue()).getSubject()).isEqualTo("s");
	}

	@Test
	void wrongKeyEncryptionKeyCannotLoadTheKeys() {
		byte[] other = KEK.clone();
		other[0] = 7;
		assertThatThrownBy(() -> newKeys("EdDSA", other)).hasMessageContaining("key-encryption key");
	}

	@Test
	void decodeWhenTypIsNotAtJwtThenRejected() {
		Jwt jwt = encode("JWT", Instant.now().plusSeconds(300));
		assertThatThrownBy(() -> this.decoder.decode(jwt.getTokenValue())).isInstanceOf(JwtException.class);
	}

	@Test
	void decodeWhenExpiredBeyondSkewThenRejected() {
		Jwt jwt = encode("at+jwt", Instant.now().minusSeconds(120));
		assertThatThrownBy(() -> this.decoder.decode(jwt.getTokenValue())).isInstanceOf(JwtException.class);
	}

	@Test
	void decodeWhenSignatureAlteredThenRejected() {
		String token = encode("at+jwt", Instant.now().plusSeconds(300)).getTokenValue();
		String[] parts = token.split("\\.");
		String payload = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
				.replace("agent-1", "agent-2")
				.getBytes(StandardCharsets.UTF_8));
		assertThatThrownBy(() -> this.decoder.decode(parts[0] + "." + payload + "." + parts[2]))
			.isInstanceOf(JwtException.class);
	}

	@Test
	void decodeWhenAlgNoneThenRejected() {
		String header = b64("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
		String payload = b64("{\"sub\":\"agent-1\",\"iss\":\"https://idp.example\",\"exp\":4102444800}");
		assertThatThrownBy(() -> this.decoder.decode(header + "." + payload + ".")).isInstanceOf(JwtException.class);
	}

	@Test
	void decodeWhenHs256SignedWithThePublicKeyThenRejected() throws Exception {
		String kid = this.keys.active().kid();
		byte[] secret = this.keys.publicKeys().getKeyByKeyId(kid).toJSONString().getBytes(StandardCharsets.UTF_8);
		SignedJWT forged = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(new JOSEObjectType("at+jwt")).build(),
				new JWTClaimsSet.Builder().subject("agent-1")
					.issuer("https://idp.example")
					.expirationTime(java.util.Date.from(Instant.now().plusSeconds(300)))
					.build());
		forged.sign(new MACSigner(java.util.Arrays.copyOf(secret, Math.max(secret.length, 32))));
		assertThatThrownBy(() -> this.decoder.decode(forged.serialize())).isInstanceOf(JwtException.class);
	}

	@Test
	void decodeWhenKidUnknownThenRejected() {
		String token = encode("at+jwt", Instant.now().plusSeconds(300)).getTokenValue();
		String[] parts = token.split("\\.");
		String header = b64("{\"kid\":\"unknown\",\"typ\":\"at+jwt\",\"alg\":\"EdDSA\"}");
		assertThatThrownBy(() -> this.decoder.decode(header + "." + parts[1] + "." + parts[2]))
			.isInstanceOf(JwtException.class);
	}

	@Test
	void decodeWhenIssuerDiffersThenRejected() {
		JwtDecoder other = ProviderJwtDecoders.accessTokens(this.keys, "https://other.example");
		String token = encode("at+jwt", Instant.now().plusSeconds(300)).getTokenValue();
		assertThatThrownBy(() -> other.decode(token)).isInstanceOf(JwtException.class);
	}

	@Test
	void es256IsAvailableByConfiguration() {
		SigningKeys es = newKeys("ES256", KEK);
		Jwt jwt = new ProviderJwtEncoder(es)
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.ES256).type("at+jwt").build(),
					JwtClaimsSet.builder().subject("s").expiresAt(Instant.now().plusSeconds(60)).build()));
		assertThat(jwt.getHeaders()).containsEntry("alg", "ES256");
		assertThat(ProviderJwtDecoders.accessTokens(es, null).decode(jwt.getTokenValue()).getSubject()).isEqualTo("s");
	}

	@Test
	void cipherWhenCiphertextOrKidAlteredThenRejected() {
		SigningKeyCipher cipher = new SigningKeyCipher(KEK);
		byte[] sealed = cipher.encrypt("secret".getBytes(StandardCharsets.UTF_8), "kid-1");
		assertThat(new String(cipher.decrypt(sealed, "kid-1"), StandardCharsets.UTF_8)).isEqualTo("secret");
		assertThatThrownBy(() -> cipher.decrypt(sealed, "kid-2")).isInstanceOf(IllegalStateException.class);
		sealed[sealed.length - 1] ^= 1;
		assertThatThrownBy(() -> cipher.decrypt(sealed, "kid-1")).isInstanceOf(IllegalStateException.class);
	}

	private static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
