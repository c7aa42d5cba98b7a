/**
 * People and the console (issue 18): local accounts with roles ({@code admin},
 * {@code owner}, {@code auditor}, {@code approver:<role>}), their sign-in (form login,
 * Argon2 hashes, throttled and audited failures, idle and absolute session timeouts) and
 * the server-rendered console under {@code /console} (Thymeleaf): the inventory of agents
 * and each agent's page, with suspend and resume through the registry's facade.
 * <p>
 * Its public API is {@link dev.agentidp.console.People} (accounts, used by the
 * application's bootstrap admin and by tests) with the record
 * {@link dev.agentidp.console.Person}; the security chain, controllers, the sign-in
 * throttle and the access rules ({@code ConsoleAccess}) are package-private. Every change
 * an agent undergoes here goes through {@link dev.agentidp.registry.AgentRegistry}, as
 * the admin API's, with the person as actor ({@code user:<email>}).
 */
package dev.agentidp.console;
