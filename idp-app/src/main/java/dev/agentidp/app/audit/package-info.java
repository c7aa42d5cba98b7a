/**
 * The audit trail's admin API ({@code /admin/v1/audit...}, API.md §2) and the signer of
 * audit checkpoints over the provider's signing keys.
 */
package dev.agentidp.app.audit;
