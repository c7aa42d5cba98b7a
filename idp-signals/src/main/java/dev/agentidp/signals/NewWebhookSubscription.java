package dev.agentidp.signals;

/**
 * A subscription just created, with its secret when the provider generated it (shown this
 * once; a secret the caller provided is not repeated).
 *
 * @param subscription the subscription
 * @param generatedSecret the generated secret, or {@code null}
 */
public record NewWebhookSubscription(WebhookSubscription subscription, String generatedSecret) {
}
