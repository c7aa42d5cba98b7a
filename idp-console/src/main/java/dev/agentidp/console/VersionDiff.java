package dev.agentidp.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentidp.registry.AgentKey;
import dev.agentidp.registry.AgentProfile;
import dev.agentidp.registry.AgentVersion;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.Tool;

/**
 * The difference between two versions of an agent's identity document, field by field
 * (issue 18, "version history with a diff between any two versions"): each version is
 * flattened to named fields ({@code team}, {@code capabilities[crm:read]},
 * {@code keys[kid]}, {@code tokenPolicy.maxTtlSeconds}, ...; list members keyed by their
 * identity, not their position, so that a removed capability is one change and not a
 * shift of every one after it), and a field is added, removed or changed when the two
 * disagree. Server-side, plain text: the page writes it with {@code th:text}.
 */
final class VersionDiff {

	private VersionDiff() {
	}

	/**
	 * The changes from one version to another, in the order of the fields.
	 * @param from the earlier version
	 * @param to the later version
	 * @return the changes, empty when the documents agree
	 */
	static List<Change> between(AgentVersion from, AgentVersion to) {
		Map<String, String> before = fields(from);
		Map<String, String> after = fields(to);
		Set<String> names = new LinkedHashSet<>(before.keySet());
		names.addAll(after.keySet());
		List<Change> changes = new ArrayList<>();
		for (String name : names) {
			String a = before.get(name);
			String b = after.get(name);
			if (a == null && b != null) {
				changes.add(new Change(name, "added", null, b));
			}
			else if (a != null && b == null) {
				changes.add(new Change(name, "removed", a, null));
			}
			else if (a != null && !a.equals(b)) {
				changes.add(new Change(name, "changed", a, b));
			}
		}
		return changes;
	}

	/** A version's document as named fields; an absent optional field has no entry. */
	static Map<String, String> fields(AgentVersion version) {
		Map<String, String> fields = new LinkedHashMap<>();
		AgentProfile profile = version.profile();
		put(fields, "status", version.status().value());
		put(fields, "name", profile.name());
		put(fields, "owner", profile.owner());
		put(fields, "team", profile.team());
		put(fields, "platform", profile.platform());
		put(fields, "environment", (profile.environment() != null) ? profile.environment().value() : null);
		put(fields, "description", profile.description());
		put(fields, "role", profile.role());
		for (Capability capability : profile.capabilities()) {
			put(fields, "capabilities[" + capability.scope() + "]",
					"risk " + capability.riskLevel().value()
							+ ((capability.description() != null) ? ", " + capability.description() : "")
							+ ((capability.condition() != null) ? ", when " + capability.condition() : ""));
		}
		for (Tool tool : profile.tools()) {
			put(fields, "tools[" + tool.id() + "]",
					"server " + tool.mcpServer() + ", permissions " + String.join(" ", tool.permissions()));
		}
		for (String resource : profile.resources()) {
			put(fields, "resources[" + resource + "]", "listed");
		}
		for (DataAccess data : profile.dataAccess()) {
			put(fields, "dataAccess[" + data.resource() + "]", data.access().value() + ", " + data.sensitivity().value()
					+ ((data.condition() != null) ? ", when " + data.condition() : ""));
		}
		put(fields, "humanOversight.requiredFor", join(profile.humanOversight().requiredFor()));
		put(fields, "humanOversight.approvers", join(profile.humanOversight().approvers()));
		put(fields, "tokenPolicy.defaultTtlSeconds", Integer.toString(profile.tokenPolicy().defaultTtlSeconds()));
		put(fields, "tokenPolicy.maxTtlSeconds", Integer.toString(profile.tokenPolicy().maxTtlSeconds()));
		put(fields, "tokenPolicy.maxDelegationDepth", Integer.toString(profile.tokenPolicy().maxDelegationDepth()));
		put(fields, "tokenPolicy.maxSubAgents", Integer.toString(profile.tokenPolicy().maxSubAgents()));
		if (profile.tokenPolicy().budget() != null) {
			put(fields, "tokenPolicy.budget", profile.tokenPolicy().budget().toString());
		}
		if (profile.tokenPolicy().proofOfPossession() != null) {
			put(fields, "tokenPolicy.proofOfPossession", profile.tokenPolicy().proofOfPossession().toString());
		}
		for (AgentKey key : version.keys()) {
			put(fields, "keys[" + key.kid() + "]", key.status().value()
					+ ((key.expiresAt() != null) ? " until " + ConsoleTimes.text(key.expiresAt()) : ""));
		}
		return fields;
	}

	private static String join(List<String> values) {
		return values.isEmpty() ? null : String.join(", ", values);
	}

	private static void put(Map<String, String> fields, String name, String value) {
		if (value != null) {
			fields.put(name, value);
		}
	}

	/**
	 * One changed field.
	 *
	 * @param field the field's name
	 * @param kind {@code added}, {@code removed} or {@code changed}
	 * @param before its value in the earlier version, or {@code null}
	 * @param after its value in the later version, or {@code null}
	 */
	record Change(String field, String kind, String before, String after) {

	}

}
