/**
 * The audit trail's admin API ({@code /admin/v1/audit...}, docs/audit.md "Contract") and
 * the signer of audit checkpoints over the provider's signing keys.
 */
package dev.agentidp.app.audit;
