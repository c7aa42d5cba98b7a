package dev.agentidp.signals;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery, as Stripe signs its webhooks: the header
 * {@code Agentidp-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256>}, the MAC keyed with
 * the subscription's secret over {@code "<t>.<body>"}. The timestamp lets a receiver
 * refuse replays of old deliveries (docs/signals.md says how to verify).
 */
final class WebhookSignature {

	static final String HEADER = "Agentidp-Signature";

	private WebhookSignature() {
	}

	static String header(String secret, long timestamp, String body) {
		return "t=" + timestamp + ",v1=" + hmac(secret, timestamp + "." + body);
	}

	static String hmac(String secret, String text) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA-256 is not available", ex);
		}
	}

}
