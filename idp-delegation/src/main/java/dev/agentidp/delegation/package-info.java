/**
 * Sub-agent delegation: RFC 8693 token exchange that can only narrow, with an act chain,
 * a depth limit and cascading revocation.
 */
package dev.agentidp.delegation;
