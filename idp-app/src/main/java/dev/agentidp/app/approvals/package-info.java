/**
 * The admin API of human approvals (issue 19): the approvers' queue,
 * {@code GET /admin/v1/approvals}, over the {@link dev.agentidp.approvals.Approvals}
 * facade.
 */
package dev.agentidp.app.approvals;
