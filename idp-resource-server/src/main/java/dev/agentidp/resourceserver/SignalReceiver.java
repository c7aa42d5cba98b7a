package dev.agentidp.resourceserver;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * The kit's receiver of the provider's shared signals (OpenID SSF 1.0, RFC 8936 poll): at
 * start it creates a poll stream for CAEP {@code session-revoked} and RISC
 * {@code account-disabled} with the client's own access token, then polls it every
 * {@code signals.poll-interval}, verifies each SET (RFC 8417: signature against the
 * provider's JWKS, {@code typ: secevent+jwt}, {@code iss} the provider, {@code aud} this
 * client), drops the cached answers it names, and acknowledges it with the next poll. At
 * stop it deletes the stream. A SET that does not verify is acknowledged as an error
 * ({@code setErrs}) and changes nothing.
 */
final class SignalReceiver implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SignalReceiver.class);

	static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

	static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";

	private final ProviderHttp http;

	private final ResourceServerProperties properties;

	private final CachedAnswers answers;

	private final DefaultJWTProcessor<SecurityContext> sets;

	private final List<String> acks = new ArrayList<>();

	private final Map<String, Object> errors = new LinkedHashMap<>();

	private ScheduledExecutorService executor;

	private volatile String streamId;

	private volatile String pollUrl;

	SignalReceiver(ProviderHttp http, ResourceServerProperties properties, CachedAnswers answers,
			JWKSource<SecurityContext> keys) {
		Assert.notNull(http, "http cannot be null");
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(answers, "answers cannot be null");
		this.http = http;
		this.properties = properties;
		this.answers = answers;
		this.sets = new DefaultJWTProcessor<>();
		// RFC 8417 §2.3: explicit typing, so that no other JWT of the provider passes
		this.sets.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
		this.sets
			.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), keys));
		this.sets.setJWTClaimsSetVerifier((claims, context) -> {
			if (claims.getIssuer() == null
					|| !IntrospectionVerifier.withoutSlash(claims.getIssuer()).equals(properties.issuerBase())) {
				throw new BadJWTException("The SET is another issuer's");
			}
			if (claims.getAudience() == null || !claims.getAudience().contains(properties.clientId())) {
				throw new BadJWTException("The SET is not for this client");
			}
		});
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		this.executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("agentidp-signals").daemon(true).factory());
		long interval = this.properties.signals().pollInterval().toMillis();
		this.executor.scheduleWithFixedDelay(this::run, 0, interval, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor == null) {
			return;
		}
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.executor = null;
		String stream = this.streamId;
		if (stream != null) {
			try {
				this.http.sendWithToken("DELETE", this.properties.issuerBase() + "/ssf/streams?stream_id=" + stream,
						null);
			}
			catch (RuntimeException ex) {
				logger.info("Could not delete the shared-signals stream " + stream + ": " + ex.getMessage());
			}
			this.streamId = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	/** One round: the stream (once), then a poll. */
	void run() {
		try {
			if (this.streamId == null && !createStream()) {
				return;
			}
			poll();
		}
		catch (RuntimeException ex) {
			// the provider is unreachable now: the next round tries again
			logger.info("Shared signals: " + ex.getMessage());
		}
	}

	private boolean createStream() {
		Map<String, Object> delivery = Map.of("method", "urn:ietf:rfc:8936");
		ProviderHttp.Answer answer = this.http.sendWithToken("POST", this.properties.issuerBase() + "/ssf/streams",
				Map.of("delivery", delivery, "events_requested", List.of(SESSION_REVOKED, ACCOUNT_DISABLED),
						"description", "agentidp resource-server kit: " + this.properties.resource()));
		if (answer.status() != 201 || !(answer.body().get("stream_id") instanceof String id)
				|| !(answer.body().get("delivery") instanceof Map<?, ?> given
						&& given.get("endpoint_url") instanceof String url)) {
			logger.warn("The provider refused the shared-signals stream (" + answer.status() + " "
					+ answer.body().get("detail") + "); retrying");
			return false;
		}
		this.pollUrl = url;
		this.streamId = id;
		return true;
	}

	private void poll() {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("ack", List.copyOf(this.acks));
		if (!this.errors.isEmpty()) {
			request.put("setErrs", Map.copyOf(this.errors));
		}
		request.put("maxEvents", 100);
		request.put("returnImmediately", true);
		ProviderHttp.Answer answer = this.http.sendWithToken("POST", this.pollUrl, request);
		if (answer.status() == 400 && "invalid_request".equals(answer.body().get("err"))) {
			// RFC 8936 §2.4: an acknowledgement the provider does not know (a repeat
			// after
			// a lost answer): nothing was removed; drop ours and poll again
			this.acks.clear();
			this.errors.clear();
			return;
		}
		if (answer.status() == 404) {
			// the stream is gone (deleted at the provider): make a new one
			this.streamId = null;
			return;
		}
		if (answer.status() != 200 || !(answer.body().get("sets") instanceof Map<?, ?> received)) {
			throw new ProviderUnavailableException("The provider's poll answered " + answer.status(), null);
		}
		this.acks.clear();
		this.errors.clear();
		received.forEach((jti, set) -> {
			if (jti instanceof String id && set instanceof String compact) {
				if (apply(compact)) {
					this.acks.add(id);
				}
				else {
					this.errors.put(id, Map.of("err", "invalid_key", "description", "the SET did not verify"));
				}
			}
		});
		if (Boolean.TRUE.equals(answer.body().get("moreAvailable"))) {
			poll();
		}
	}

	/** Verifies a SET and drops what it names; false when it does not verify. */
	boolean apply(String compact) {
		JWTClaimsSet claims;
		try {
			claims = this.sets.process(compact, null);
		}
		catch (ParseException | BadJOSEException | JOSEException ex) {
			logger.warn("A shared-signals SET did not verify: " + ex.getMessage());
			return false;
		}
		Map<String, Object> events;
		Map<String, Object> subject;
		try {
			events = claims.getJSONObjectClaim("events");
			subject = claims.getJSONObjectClaim("sub_id");
		}
		catch (ParseException ex) {
			return false;
		}
		if (events == null || subject == null) {
			return false;
		}
		if (events.containsKey(SESSION_REVOKED) && "opaque".equals(subject.get("format"))
				&& subject.get("id") instanceof String jti) {
			this.answers.sessionRevoked(jti);
		}
		if (events.containsKey(ACCOUNT_DISABLED) && subject.get("user") instanceof Map<?, ?> user
				&& user.get("id") instanceof String agentId) {
			this.answers.accountDisabled(agentId);
		}
		return true;
	}

}
