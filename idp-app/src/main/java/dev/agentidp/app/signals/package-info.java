/**
 * The HTTP edge of the outbound signals (docs/signals.md "Outbound signals"): the webhook
 * subscriptions of the admin API ({@code /admin/v1/webhooks}), and the OpenID Shared
 * Signals Framework 1.0 transmitter ({@code /.well-known/ssf-configuration}, stream
 * management, RFC 8936 poll) for resource-server and admin clients. Thin controllers hand
 * {@link dev.agentidp.signals.Webhooks} and {@link dev.agentidp.signals.SharedSignals}
 * value types and render what they answer.
 */
package dev.agentidp.app.signals;
