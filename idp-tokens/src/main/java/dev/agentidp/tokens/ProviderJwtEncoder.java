package dev.agentidp.tokens;

import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtEncodingException;
import org.springframework.util.Assert;

/**
 * Signs JWTs with the provider's active key ({@link SigningKeys}). Needed because
 * {@code NimbusJwtEncoder} cannot select an OKP (Ed25519) key (docs/tokens.md "Design
 * notes"). The algorithm and {@code kid} always come from the active key; the requested
 * header's {@code typ} is kept (RFC 9068 access tokens ask for {@code at+jwt}).
 */
final class ProviderJwtEncoder implements JwtEncoder {

	private final SigningKeys keys;

	/**
	 * @param keys the provider's signing keys
	 */
	public ProviderJwtEncoder(SigningKeys keys) {
		Assert.notNull(keys, "keys cannot be null");
		this.keys = keys;
	}

	@Override
	public Jwt encode(JwtEncoderParameters parameters) throws JwtEncodingException {
		Assert.notNull(parameters, "parameters cannot be null");
		SigningKeys.ActiveKey key = this.keys.active();
		JWSHeader.Builder header = new JWSHeader.Builder(key.algorithm()).keyID(key.kid());
		JwsHeader requested = parameters.getJwsHeader();
		String type = (requested != null) ? requested.getType() : null;
		header.type(new JOSEObjectType((type != null) ? type : "JWT"));
		Map<String, Object> claims = parameters.getClaims().getClaims();
		JWSObject jws = new JWSObject(header.build(), new Payload(JSONObjectUtils.toJSONString(toJson(claims))));
		try {
			jws.sign(key.signer());
		}
		catch (JOSEException ex) {
			throw new JwtEncodingException("Cannot sign the token", ex);
		}
		return Jwt.withTokenValue(jws.serialize())
			.headers((h) -> h.putAll(jws.getHeader().toJSONObject()))
			.claims((c) -> c.putAll(claims))
			.build();
	}

	private static Map<String, Object> toJson(Map<String, Object> claims) {
		Map<String, Object> json = new LinkedHashMap<>();
		claims.forEach((name, value) -> json.put(name, toJsonValue(value)));
		return json;
	}

	@SuppressWarnings("unchecked")
	private static Object toJsonValue(Object value) {
		if (value instanceof Instant instant) {
			return instant.getEpochSecond();
		}
		if (value instanceof URL url) {
			return url.toExternalForm();
		}
		if (value instanceof Collection<?> collection) {
			ArrayList<Object> list = new ArrayList<>(collection.size());
			collection.forEach((item) -> list.add(toJsonValue(item)));
			return list;
		}
		if (value instanceof Map<?, ?> map) {
			return toJson((Map<String, Object>) map);
		}
		return value;
	}

}
