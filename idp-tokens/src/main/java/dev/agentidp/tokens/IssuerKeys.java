package dev.agentidp.tokens;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The public keys of the trusted issuers (docs/workload-identity.md "Keys"): given
 * inline, or fetched from the issuer's {@code jwksUri}, or from the {@code jwks_uri} of
 * its OpenID metadata (OpenID Connect Discovery 1.0 §4, which Kubernetes' service-account
 * issuer discovery and SPIRE's OIDC discovery provider serve). A fetched set is cached on
 * this node for the refresh interval, and fetched again at once when a token names a
 * {@code kid} it lacks (the issuer rotated its key), at most once per
 * {@code unknownKidRefetchInterval}. Fails closed: when the keys cannot be fetched, no
 * token of that issuer is accepted, and the fetch is tried again on a later request
 * ({@link #FAILURE_RETRY} after the failure).
 */
final class IssuerKeys {

	/** How long a failed fetch is remembered before it is tried again. */
	static final Duration FAILURE_RETRY = Duration.ofSeconds(10);

	/** The largest JWK Set or metadata document read. */
	static final int MAX_DOCUMENT_BYTES = 256 * 1024;

	private static final Log logger = LogFactory.getLog(IssuerKeys.class);

	private final OutboundUrls urls;

	private final HttpClient http;

	private final Duration timeout;

	private final Duration refreshInterval;

	private final Duration unknownKidRefetchInterval;

	private final Clock clock;

	private final Cache<String, Fetched> cache = Caffeine.newBuilder().maximumSize(1_000).build();

	IssuerKeys(OutboundUrls urls, Duration timeout, Duration refreshInterval, Duration unknownKidRefetchInterval,
			Clock clock) {
		Assert.notNull(urls, "urls cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.urls = urls;
		this.timeout = timeout;
		this.refreshInterval = refreshInterval;
		this.unknownKidRefetchInterval = unknownKidRefetchInterval;
		this.clock = clock;
		// never follow a redirect: its target would escape the address checks
		this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
	}

	/**
	 * The issuer's keys that fit a {@code kid}.
	 * @param issuer the trusted issuer
	 * @param kid the token's {@code kid}, or {@code null} for every key
	 * @return the keys, possibly none
	 * @throws KeysUnavailableException when the issuer's keys cannot be fetched
	 */
	List<JWK> keys(TrustedIssuer issuer, String kid) throws KeysUnavailableException {
		TrustedIssuerSettings settings = issuer.settings();
		if (settings.jwks() != null) {
			try {
				return select(publicKeys(JWKSet.parse(settings.jwks())), kid);
			}
			catch (ParseException ex) {
				throw new KeysUnavailableException("the issuer's stored JWK Set cannot be read");
			}
		}
		// keyed by where the keys come from: a changed jwksUri is fetched at once
		String source = settings.issuer() + " " + settings.jwksUri();
		Instant now = this.clock.instant();
		Fetched fetched = this.cache.asMap().compute(source, (key, cached) -> {
			if (cached != null && !cached.due(now, this.refreshInterval)) {
				return cached;
			}
			return fetch(settings, now);
		});
		if (fetched.failure() != null) {
			throw new KeysUnavailableException(fetched.failure());
		}
		List<JWK> selected = select(fetched.keys(), kid);
		if (selected.isEmpty() && kid != null
				&& !now.isBefore(fetched.fetchedAt().plus(this.unknownKidRefetchInterval))) {
			// an unknown kid: the issuer may have rotated its key (once per interval)
			fetched = this.cache.asMap()
				.compute(source,
						(key, cached) -> (cached != null
								&& now.isBefore(cached.fetchedAt().plus(this.unknownKidRefetchInterval))) ? cached
										: fetch(settings, now));
			if (fetched.failure() != null) {
				throw new KeysUnavailableException(fetched.failure());
			}
			selected = select(fetched.keys(), kid);
		}
		return selected;
	}

	private static List<JWK> select(List<JWK> keys, String kid) {
		return keys.stream().filter((key) -> kid == null || kid.equals(key.getKeyID())).toList();
	}

	/** RFC 7517 §4.2: keys for signatures only; symmetric keys never. */
	private static List<JWK> publicKeys(JWKSet set) {
		return set.getKeys()
			.stream()
			.filter((key) -> !KeyType.OCT.equals(key.getKeyType()))
			.filter((key) -> key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))
			.map(JWK::toPublicJWK)
			.toList();
	}

	private Fetched fetch(TrustedIssuerSettings settings, Instant now) {
		try {
			URI jwksUri;
			if (settings.jwksUri() != null) {
				jwksUri = URI.create(settings.jwksUri());
			}
			else {
				jwksUri = discover(settings.issuer());
			}
			JWKSet set = JWKSet.parse(get(jwksUri));
			return new Fetched(publicKeys(set), now, null);
		}
		catch (IOException | ParseException | RuntimeException ex) {
			// the reason is logged, the client is told only that the keys are unavailable
			logger.warn("The keys of trusted issuer " + settings.issuer() + " cannot be fetched: " + ex.getMessage());
			return new Fetched(List.of(), now, "the issuer's keys cannot be fetched (tried again later)");
		}
	}

	/**
	 * OpenID Connect Discovery 1.0 §4: the metadata at
	 * {@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must be the
	 * issuer (§4.3) and whose {@code jwks_uri} names the keys.
	 */
	private URI discover(String issuer) throws IOException, ParseException {
		String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
		Map<String, Object> metadata = JSONObjectUtils
			.parse(get(URI.create(base + "/.well-known/openid-configuration")));
		if (!issuer.equals(JSONObjectUtils.getString(metadata, "issuer"))) {
			throw new IOException("the metadata's issuer is not " + issuer + " (OpenID Connect Discovery 1.0 §4.3)");
		}
		String jwksUri = JSONObjectUtils.getString(metadata, "jwks_uri");
		if (jwksUri == null) {
			throw new IOException("the metadata has no jwks_uri");
		}
		return URI.create(jwksUri);
	}

	private String get(URI uri) throws IOException {
		this.urls.guard(uri);
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(this.timeout)
			.header("Accept", "application/json")
			.GET()
			.build();
		HttpResponse<InputStream> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		try (InputStream body = response.body()) {
			if (response.statusCode() != 200) {
				throw new IOException(uri + " answered " + response.statusCode());
			}
			byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
			if (bytes.length > MAX_DOCUMENT_BYTES) {
				throw new IOException(uri + " answered more than " + MAX_DOCUMENT_BYTES + " bytes");
			}
			return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
		}
	}

	/** A fetch: the keys, or why there are none. */
	private record Fetched(List<JWK> keys, Instant fetchedAt, String failure) {

		boolean due(Instant now, Duration refreshInterval) {
			Duration life = (this.failure != null) ? FAILURE_RETRY : refreshInterval;
			return !now.isBefore(this.fetchedAt.plus(life));
		}

	}

	/** The keys of an issuer cannot be had now. */
	static final class KeysUnavailableException extends Exception {

		KeysUnavailableException(String message) {
			super(message);
		}

	}

}
