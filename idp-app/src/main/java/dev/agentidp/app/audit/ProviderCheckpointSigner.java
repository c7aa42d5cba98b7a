package dev.agentidp.app.audit;

import java.security.PublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSObject;
import dev.agentidp.app.IdpProperties;
import dev.agentidp.audit.CheckpointSigner;
import dev.agentidp.tokens.JoseVerifiers;
import dev.agentidp.tokens.SigningKeys;

import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Signs audit checkpoints with the provider's active signing key (the one in
 * {@code /oauth2/jwks}), as JWS of type {@code checkpoint+jwt}, and verifies them with
 * the published key their {@code kid} names.
 * <p>
 * The {@code iss} claim is {@code idp.issuer} when set, else the base URL of the request
 * being served, else the last one seen (the scheduler makes checkpoints outside any
 * request), else {@code http://localhost:<port>}.
 */
@Component
final class ProviderCheckpointSigner implements CheckpointSigner {

	static final String TYPE = "checkpoint+jwt";

	private final JwtEncoder encoder;

	private final SigningKeys keys;

	private final JoseVerifiers verifiers = new JoseVerifiers();

	private final String configuredIssuer;

	private final Environment environment;

	private volatile String lastSeenIssuer;

	ProviderCheckpointSigner(JwtEncoder encoder, SigningKeys keys, IdpProperties properties, Environment environment) {
		Assert.notNull(encoder, "encoder cannot be null");
		Assert.notNull(keys, "keys cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		this.encoder = encoder;
		this.keys = keys;
		this.configuredIssuer = properties.issuer();
		this.environment = environment;
	}

	@Override
	public String sign(Map<String, Object> claims) {
		Assert.notNull(claims, "claims cannot be null");
		JwtClaimsSet.Builder set = JwtClaimsSet.builder().issuer(issuer());
		claims.forEach((name, value) -> {
			if ("iat".equals(name) && value instanceof Number seconds) {
				set.issuedAt(Instant.ofEpochSecond(seconds.longValue()));
			}
			else {
				set.claim(name, value);
			}
		});
		// the encoder takes the algorithm and kid from the active key; the header asked
		// for here only carries the type
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.ES256).type(TYPE).build();
		return this.encoder.encode(JwtEncoderParameters.from(header, set.build())).getTokenValue();
	}

	@Override
	public Map<String, Object> verify(String jws) {
		try {
			JWSObject object = JWSObject.parse(jws);
			if (!new JOSEObjectType(TYPE).equals(object.getHeader().getType())) {
				throw new IllegalArgumentException("not a checkpoint (typ " + object.getHeader().getType() + ")");
			}
			PublicKey key = this.keys.verificationKey(object.getHeader().getKeyID())
				.orElseThrow(() -> new IllegalArgumentException("signed by a key this provider does not publish"));
			if (!object.verify(this.verifiers.createJWSVerifier(object.getHeader(), key))) {
				throw new IllegalArgumentException("the signature does not verify");
			}
			return object.getPayload().toJSONObject();
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("not a compact JWS", ex);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("the signature cannot be checked", ex);
		}
	}

	private String issuer() {
		if (StringUtils.hasText(this.configuredIssuer)) {
			return this.configuredIssuer;
		}
		if (RequestContextHolder.getRequestAttributes() != null) {
			this.lastSeenIssuer = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
		}
		if (this.lastSeenIssuer != null) {
			return this.lastSeenIssuer;
		}
		return "http://localhost:" + this.environment.getProperty("local.server.port",
				this.environment.getProperty("server.port", "8080"));
	}

}
