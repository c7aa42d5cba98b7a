package dev.agentidp.signals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.springframework.util.Assert;

/**
 * The HTTP side of the deliveries: one client, no redirects followed (a redirect could
 * lead to an address the URL check refused), the configured timeout, and the retry
 * schedule shared by webhooks and SSF pushes.
 */
final class Deliveries {

	/** The first retry waits this long; each further one twice as long as the last. */
	static final Duration FIRST_RETRY = Duration.ofSeconds(10);

	/** No retry waits longer than this. */
	static final Duration LONGEST_RETRY = Duration.ofHours(1);

	private final HttpClient client;

	private final Duration timeout;

	private final Duration retryFor;

	private final OutboundUrls urls;

	Deliveries(SignalsProperties properties, OutboundUrls urls) {
		Assert.notNull(properties, "properties cannot be null");
		Assert.notNull(urls, "urls cannot be null");
		this.timeout = properties.timeout();
		this.retryFor = properties.retryFor();
		this.urls = urls;
		this.client = HttpClient.newBuilder()
			.connectTimeout(this.timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	/**
	 * Posts a body, once the URL is checked again (its host may resolve elsewhere now).
	 * @return the outcome, never an exception
	 */
	CompletableFuture<Outcome> post(String url, String contentType, String body, String... headers) {
		URI uri = URI.create(url);
		String refusal = this.urls.refusal(uri);
		if (refusal != null) {
			return CompletableFuture.completedFuture(new Outcome(null, "refused: " + refusal));
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(this.timeout)
			.header("Content-Type", contentType)
			.header("User-Agent", "agent-idp-signals")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		for (int i = 0; i < headers.length; i += 2) {
			if (headers[i + 1] != null) {
				request.header(headers[i], headers[i + 1]);
			}
		}
		return this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
			.handle((response, failure) -> (failure != null)
					? new Outcome(null,
							failure.getClass().getSimpleName() + ": " + String.valueOf(failure.getMessage()))
					: new Outcome(response.statusCode(), null));
	}

	/** When the next attempt after {@code attempts} failed ones is due. */
	Instant nextAttempt(Instant now, int attempts) {
		long seconds = FIRST_RETRY.toSeconds() << Math.min(Math.max(attempts - 1, 0), 20);
		return now.plus(Duration.ofSeconds(Math.min(seconds, LONGEST_RETRY.toSeconds())));
	}

	/** Whether a delivery queued at {@code createdAt} is given up now. */
	boolean givenUp(Instant createdAt, Instant now) {
		return !now.isBefore(createdAt.plus(this.retryFor));
	}

	Duration lease() {
		return this.timeout.multipliedBy(3);
	}

	/**
	 * What an attempt gave.
	 *
	 * @param status the HTTP status, or {@code null} when there was no answer
	 * @param error why there was none, or {@code null}
	 */
	record Outcome(Integer status, String error) {

		boolean accepted(int... expected) {
			if (this.status == null) {
				return false;
			}
			if (expected.length == 0) {
				return this.status >= 200 && this.status < 300;
			}
			for (int code : expected) {
				if (this.status == code) {
					return true;
				}
			}
			return false;
		}

		String describe() {
			return (this.error != null) ? this.error : "HTTP " + this.status;
		}

	}

}
