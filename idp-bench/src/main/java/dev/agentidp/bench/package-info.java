/**
 * The project's load generator (issue 7): a separate process that drives a running
 * provider over HTTP only (and, to seed the audit trail for the verify phase, its
 * PostgreSQL), and reports throughput, latency percentiles and the provider's heap and
 * CPU per operation. It depends on no other module of the project: it is a client.
 */
package dev.agentidp.bench;
