/**
 * Human approvals (issue 19): an agent asks a human to approve an action its identity
 * document lists in {@code humanOversight.requiredFor}, by OpenID CIBA Core 1.0 in poll
 * mode ({@code POST /oauth2/bc-authorize}, then the CIBA grant at the token endpoint),
 * with RFC 9396 authorization details of type {@code tool_call}. The approvers' queue and
 * their decisions go through the {@link dev.agentidp.approvals.Approvals} facade; the
 * policy decision point counts each approval's uses through it.
 * <p>
 * Depends on idp-tokens (it issues the approved token through {@code AccessTokenMinter}
 * and plugs its grant into the authorization server), idp-registry and idp-audit;
 * idp-policy depends on it, never the other way.
 */
package dev.agentidp.approvals;
