/**
 * The admin API over the token store: an agent's live tokens, and revocation by jti,
 * agent or task.
 */
package dev.agentidp.app.tokens;
