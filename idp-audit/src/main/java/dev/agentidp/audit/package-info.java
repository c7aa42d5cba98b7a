/**
 * The audit trail: every decision in a SHA-256 hash chain per agent, verifiable,
 * exportable, with signed checkpoints. Depends on no other module.
 */
package dev.agentidp.audit;
