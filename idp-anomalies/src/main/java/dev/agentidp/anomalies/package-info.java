/**
 * Continuous validation, the detection half (issue 20; docs/signals.md): behaviour
 * baselines counted from the policy decision point's decisions and the audited events (in
 * memory, flushed in batches to PostgreSQL so every node sees the same), the named
 * anomaly rules ({@code rate}, {@code new_resource}, {@code denials}, {@code sub_agents},
 * {@code failed_authentication}), their reactions ({@code flag}, {@code step_up} through
 * the decision point's rule 8, {@code suspend} through the registry), each audited on the
 * agent's chain with its evidence, and the reports. The facades are
 * {@link dev.agentidp.anomalies.Anomalies} and
 * {@link dev.agentidp.anomalies.AnomalyReports}.
 */
package dev.agentidp.anomalies;
