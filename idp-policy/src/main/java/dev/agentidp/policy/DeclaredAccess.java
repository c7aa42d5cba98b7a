package dev.agentidp.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.agentidp.registry.Agent;
import dev.agentidp.registry.Capability;
import dev.agentidp.registry.DataAccess;
import dev.agentidp.registry.HumanOversight;
import dev.agentidp.registry.TaskBudget;
import dev.agentidp.registry.Tool;

import org.springframework.util.Assert;

/**
 * What the acting agent's identity document declares, as the rules read it: its tools,
 * its data access, its human oversight and its capabilities.
 * <p>
 * A derived sub-agent's document is narrowed to its parent's at derivation: it holds only
 * the capabilities it was granted, and the registry gives it no tools, data access or
 * oversight of its own. Its declarations are therefore its root agent's, kept only where
 * the sub-agent holds the capability that covers them ({@code tool:permission},
 * {@code resource:access}); the root's human oversight applies to it unchanged.
 *
 * @param tools the declared tools, each with the permissions that are declared
 * @param dataAccess the declared data access entries
 * @param oversight what needs a human's approval
 * @param capabilities the capabilities (scopes and their risk)
 * @param version the version of the acting agent's document (its conditions are compiled
 * once per version)
 * @param document the acting agent's document as conditions see it ({@code agent})
 * @param budget the root agent's {@code tokenPolicy.budget}, or {@code null} when it has
 * none (costs are not limited)
 */
public record DeclaredAccess(List<Tool> tools, List<DataAccess> dataAccess, HumanOversight oversight,
		List<Capability> capabilities, long version, Map<String, Object> document, TaskBudget budget) {

	public DeclaredAccess {
		tools = List.copyOf(tools);
		dataAccess = List.copyOf(dataAccess);
		Assert.notNull(oversight, "oversight cannot be null");
		capabilities = List.copyOf(capabilities);
		document = (document != null) ? Map.copyOf(document) : Map.of();
	}

	/**
	 * Declarations without a document version or view (rule tests).
	 * @param tools the declared tools
	 * @param dataAccess the declared data access entries
	 * @param oversight what needs a human's approval
	 * @param capabilities the capabilities
	 */
	public DeclaredAccess(List<Tool> tools, List<DataAccess> dataAccess, HumanOversight oversight,
			List<Capability> capabilities) {
		this(tools, dataAccess, oversight, capabilities, 0, Map.of(), null);
	}

	/**
	 * The declarations of an agent.
	 * @param acting the acting agent
	 * @param root its root agent (the agent itself when it is not derived)
	 * @return the declarations
	 */
	public static DeclaredAccess of(Agent acting, Agent root) {
		Assert.notNull(acting, "acting cannot be null");
		Assert.notNull(root, "root cannot be null");
		if (!acting.isDerived()) {
			return new DeclaredAccess(acting.profile().tools(), acting.profile().dataAccess(),
					acting.profile().humanOversight(), acting.profile().capabilities(), acting.version(),
					AgentVariable.of(acting), acting.tokenPolicy().budget());
		}
		Set<String> scopes = acting.scopes();
		List<Tool> tools = root.profile()
			.tools()
			.stream()
			.map((tool) -> new Tool(tool.id(), tool.mcpServer(),
					tool.permissions().stream().filter((p) -> scopes.contains(tool.id() + ":" + p)).toList()))
			.filter((tool) -> !tool.permissions().isEmpty())
			.toList();
		List<DataAccess> data = root.profile()
			.dataAccess()
			.stream()
			.filter((entry) -> scopes.contains(entry.resource() + ":" + entry.access().value()))
			.toList();
		return new DeclaredAccess(tools, data, root.profile().humanOversight(), acting.profile().capabilities(),
				acting.version(), AgentVariable.of(acting), root.tokenPolicy().budget());
	}

	/**
	 * The declared tool of an id (the first one, when several share it).
	 * @param id the tool id
	 * @return the tool, or empty
	 */
	public Optional<Tool> tool(String id) {
		return this.tools.stream().filter((tool) -> tool.id().equals(id)).findFirst();
	}

	/**
	 * Whether an action on a resource is declared.
	 * @param type the resource type
	 * @param id the tool id or data resource
	 * @param action the permission or access
	 * @return {@code true} when declared
	 */
	public boolean declares(ResourceType type, String id, String action) {
		return switch (type) {
			case TOOL ->
				this.tools.stream().anyMatch((tool) -> tool.id().equals(id) && tool.permissions().contains(action));
			case DATA -> this.dataAccess.stream()
				.anyMatch((entry) -> entry.resource().equals(id) && entry.access().value().equals(action));
		};
	}

	/**
	 * The declared actions on a resource, in document order.
	 * @param type the resource type
	 * @param id the tool id or data resource
	 * @return the actions
	 */
	public List<String> actions(ResourceType type, String id) {
		return switch (type) {
			case TOOL -> this.tools.stream()
				.filter((tool) -> tool.id().equals(id))
				.flatMap((tool) -> tool.permissions().stream())
				.distinct()
				.toList();
			case DATA -> this.dataAccess.stream()
				.filter((entry) -> entry.resource().equals(id))
				.map((entry) -> entry.access().value())
				.distinct()
				.toList();
		};
	}

	/**
	 * The declared resources of a type, in document order.
	 * @param type the resource type
	 * @return the tool ids or data resources
	 */
	public List<String> resources(ResourceType type) {
		return switch (type) {
			case TOOL -> this.tools.stream().map(Tool::id).distinct().toList();
			case DATA -> this.dataAccess.stream().map(DataAccess::resource).distinct().toList();
		};
	}

	/**
	 * The data access entry of a resource and access.
	 * @param resource the data resource
	 * @param access {@code read}, {@code write} or {@code delete}
	 * @return the entry, or empty
	 */
	public Optional<DataAccess> dataAccess(String resource, String access) {
		return this.dataAccess.stream()
			.filter((entry) -> entry.resource().equals(resource) && entry.access().value().equals(access))
			.findFirst();
	}

	/**
	 * The capability of a scope.
	 * @param scope the scope
	 * @return the capability, or empty
	 */
	public Optional<Capability> capability(String scope) {
		return this.capabilities.stream().filter((capability) -> capability.scope().equals(scope)).findFirst();
	}

}
