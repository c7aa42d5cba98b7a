/**
 * Outbound signals: what changed in the provider, told to those who rely on it. Every
 * signalled domain event (a revocation, a suspension, a key or capability change) is
 * written to a durable outbox in the transaction of the change; a delivery worker on
 * every node fans the outbox out to signed webhooks (HMAC-SHA-256, retried with
 * exponential back-off for 24 hours) and to OpenID Shared Signals Framework 1.0 streams
 * (CAEP and RISC Security Event Tokens signed with the provider's key, pushed per RFC
 * 8935 or polled per RFC 8936). A crash loses nothing; a delivery may repeat, and each
 * carries a unique id.
 */
package dev.agentidp.signals;
