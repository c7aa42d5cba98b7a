package dev.agentidp.signals;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The URL rules of outbound calls (server-side request forgery) and the retry schedule.
 */
class OutboundUrlsTests {

	private final OutboundUrls strict = new OutboundUrls(false);

	private final OutboundUrls permissive = new OutboundUrls(true);

	@Test
	void checkWhenNotHttpsThenRefused() {
		refused("http://93.184.215.14/hook", "url: must be an absolute https URL");
		refused("ftp://93.184.215.14/hook", "url: must be an absolute https URL");
		refused("/relative", "url: must be an absolute https URL");
		refused("mailto:a@example.com", "url: must be an absolute https URL");
		refused("https://user:pw@93.184.215.14/hook", "url: must not carry user information or a fragment");
		refused("https://93.184.215.14/hook#x", "url: must not carry user information or a fragment");
		refused(null, "url: is required");
	}

	@Test
	void checkWhenTheHostIsLoopbackLinkLocalOrPrivateThenRefused() {
		for (String host : new String[] { "127.0.0.1", "[::1]", "localhost", "10.1.2.3", "172.16.0.1", "192.168.1.1",
				"169.254.169.254", "[fe80::1]", "[fd00::1]", "100.64.0.1", "0.0.0.0", "[::ffff:127.0.0.1]" }) {
			refused("https://" + host + "/hook", "a loopback, link-local or private address");
		}
	}

	@Test
	void checkWhenAPublicAddressOverHttpsThenAccepted() {
		assertThat(this.strict.check("https://93.184.215.14/hook", "url"))
			.isEqualTo(URI.create("https://93.184.215.14/hook"));
		assertThat(this.strict.refusal(URI.create("https://[2606:4700::1111]/"))).isNull();
	}

	@Test
	void checkWhenPermissiveThenLoopbackHttpIsAccepted() {
		assertThat(this.permissive.check("http://127.0.0.1:8080/hook", "url")).isNotNull();
		assertThatExceptionOfType(InvalidSignalRequestException.class)
			.isThrownBy(() -> this.permissive.check("ftp://127.0.0.1/", "url"));
	}

	@Test
	void isPublicWhenSpecialPurposeRangesThenFalse() throws Exception {
		assertThat(OutboundUrls.isPublic(InetAddress.getByName("8.8.8.8"))).isTrue();
		assertThat(OutboundUrls.isPublic(InetAddress.getByName("198.18.0.1"))).isFalse();
		assertThat(OutboundUrls.isPublic(InetAddress.getByName("240.0.0.1"))).isFalse();
		assertThat(OutboundUrls.isPublic(InetAddress.getByName("224.0.0.1"))).isFalse();
	}

	@Test
	void nextAttemptWhenRetriedThenTheWaitDoublesUpToAnHour() {
		Deliveries deliveries = new Deliveries(
				new SignalsProperties(true, Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofSeconds(10), false),
				this.strict);
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		assertThat(deliveries.nextAttempt(now, 1)).isEqualTo(now.plusSeconds(10));
		assertThat(deliveries.nextAttempt(now, 2)).isEqualTo(now.plusSeconds(20));
		assertThat(deliveries.nextAttempt(now, 4)).isEqualTo(now.plusSeconds(80));
		assertThat(deliveries.nextAttempt(now, 30)).isEqualTo(now.plusSeconds(3600));
		assertThat(deliveries.givenUp(now, now.plus(Duration.ofHours(24)).minusSeconds(1))).isFalse();
		assertThat(deliveries.givenUp(now, now.plus(Duration.ofHours(24)))).isTrue();
	}

	@Test
	void headerWhenSignedThenStripeStyleHmacOverTimestampAndBody() {
		// RFC 4231 style check: HMAC-SHA-256("key", "1.{}") computed independently
		assertThat(WebhookSignature.header("key", 1, "{}")).startsWith("t=1,v1=")
			.hasSize("t=1,v1=".length() + 64)
			.isEqualTo("t=1,v1=" + WebhookSignature.hmac("key", "1.{}"));
		assertThat(WebhookSignature.hmac("key", "The quick brown fox jumps over the lazy dog"))
			.isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	}

	private void refused(String url, String detail) {
		assertThatExceptionOfType(InvalidSignalRequestException.class).isThrownBy(() -> this.strict.check(url, "url"))
			.withMessageContaining(detail);
	}

}
