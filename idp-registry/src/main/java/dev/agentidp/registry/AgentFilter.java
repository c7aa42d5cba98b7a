package dev.agentidp.registry;

/**
 * Filters of the agent list; {@code null} means "any".
 *
 * @param owner the owner's email address
 * @param status the status
 * @param risk the risk level
 * @param parentId the parent (lists the direct sub-agents of one agent)
 * @param q a substring of the name
 * @param environment the environment
 */
public record AgentFilter(String owner, AgentStatus status, RiskLevel risk, AgentId parentId, String q,
		Environment environment) {

	/** No filter. */
	public static final AgentFilter ANY = new AgentFilter(null, null, null, null, null, null);

	/**
	 * Reads the filters as given in a query string.
	 * @param owner the owner, or {@code null}
	 * @param status {@code active|suspended|retired}, or {@code null}
	 * @param risk {@code low|medium|high|critical}, or {@code null}
	 * @param parentId a UUID, or {@code null}
	 * @param q a name substring, or {@code null}
	 * @return the filter
	 * @throws InvalidInputException naming the parameter that is malformed
	 */
	public static AgentFilter of(String owner, String status, String risk, String parentId, String q) {
		return of(owner, status, risk, parentId, q, null);
	}

	/**
	 * Reads the filters as given in a query string, with an environment.
	 * @param owner the owner, or {@code null}
	 * @param status {@code active|suspended|retired}, or {@code null}
	 * @param risk {@code low|medium|high|critical}, or {@code null}
	 * @param parentId a UUID, or {@code null}
	 * @param q a name substring, or {@code null}
	 * @param environment {@code dev|staging|prod}, or {@code null}
	 * @return the filter
	 * @throws InvalidInputException naming the parameter that is malformed
	 */
	public static AgentFilter of(String owner, String status, String risk, String parentId, String q,
			String environment) {
		Environment environmentValue = (environment != null) ? Environment.from(environment)
			.orElseThrow(() -> new InvalidInputException("environment", "must be one of " + Environment.choices()))
				: null;
		AgentStatus statusValue = (status != null)
				? AgentStatus.from(status)
					.orElseThrow(() -> new InvalidInputException("status", "must be one of " + AgentStatus.choices()))
				: null;
		RiskLevel riskValue = (risk != null)
				? RiskLevel.from(risk)
					.orElseThrow(() -> new InvalidInputException("risk", "must be one of " + RiskLevel.choices()))
				: null;
		AgentId parent = null;
		if (parentId != null) {
			try {
				parent = AgentId.of(parentId);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidInputException("parentId", "must be a UUID");
			}
		}
		if (q != null && q.length() > 64) {
			throw new InvalidInputException("q", "must be at most 64 characters");
		}
		if (owner != null && owner.length() > 254) {
			throw new InvalidInputException("owner", "must be at most 254 characters");
		}
		return new AgentFilter((owner != null) ? Emails.normalize(owner) : null, statusValue, riskValue, parent, q,
				environmentValue);
	}

}
