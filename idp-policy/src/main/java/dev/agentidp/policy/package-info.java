/**
 * The policy decision point (OpenID AuthZEN Authorization API 1.0): whether the agent
 * acting with a token may call a tool or touch a data resource now, decided by an ordered
 * list of named rules over the token and the agent's identity document (deny by default;
 * the first failing rule names the code), with CEL conditions and a per-task budget
 * ledger. Every decision is recorded on the acting agent's audit chain.
 */
package dev.agentidp.policy;
