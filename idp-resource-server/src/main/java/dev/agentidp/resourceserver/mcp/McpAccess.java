package dev.agentidp.resourceserver.mcp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.agentidp.resourceserver.AgentAuthentication;
import dev.agentidp.resourceserver.PolicyDecisions;
import dev.agentidp.resourceserver.ToolDecision;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncListFilter;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.Assert;

/**
 * Protects an MCP server built on the official MCP Java SDK with the kit, behind its
 * security filter chain (the MCP endpoint needs a token like any other path):
 * <ul>
 * <li>{@link #contextExtractor()} for the SDK's servlet transport carries the request's
 * {@link AgentAuthentication} into the SDK's {@link McpTransportContext};</li>
 * <li>{@link #guard} wraps a tool so that each {@code tools/call} asks the policy
 * decision point first ({@code tool}, {@code action}); a denial is a tool result with
 * {@code isError} and the PDP's {@code reason_user}, and the tool does not run;</li>
 * <li>{@link #toolFilter()} hides from {@code tools/list} every tool the PDP's action
 * search does not allow now, and every tool not guarded (deny by default): one search per
 * tool id and request.</li>
 * </ul>
 */
public final class McpAccess {

	/** Where the request's authentication is kept in the transport context. */
	public static final String AUTHENTICATION = "agentidp.authentication";

	/** The actions already searched for in one request, by tool id. */
	private static final String ALLOWED = "agentidp.allowed-actions";

	private final PolicyDecisions decisions;

	/** MCP tool name → the PDP's tool id and action. */
	private final Map<String, String[]> guarded = new ConcurrentHashMap<>();

	/**
	 * @param decisions the policy decision point
	 */
	public McpAccess(PolicyDecisions decisions) {
		Assert.notNull(decisions, "decisions cannot be null");
		this.decisions = decisions;
	}

	/**
	 * The transport context of a request: its authentication, when the kit authenticated
	 * it.
	 * @return the extractor for the SDK's servlet transports
	 */
	public McpTransportContextExtractor<HttpServletRequest> contextExtractor() {
		return (request) -> {
			Map<String, Object> values = new ConcurrentHashMap<>();
			if (SecurityContextHolder.getContext().getAuthentication() instanceof AgentAuthentication agent) {
				values.put(AUTHENTICATION, agent);
				values.put(ALLOWED, new ConcurrentHashMap<String, Set<String>>());
			}
			return McpTransportContext.create(values);
		};
	}

	/**
	 * A tool whose calls the policy decision point decides first.
	 * @param tool the MCP tool
	 * @param toolId the PDP's tool id ({@code resource.id})
	 * @param action the PDP's action ({@code action.name})
	 * @return the guarded tool
	 */
	public SyncToolSpecification guard(SyncToolSpecification tool, String toolId, String action) {
		Assert.notNull(tool, "tool cannot be null");
		Assert.hasText(toolId, "toolId cannot be empty");
		Assert.hasText(action, "action cannot be empty");
		this.guarded.put(tool.tool().name(), new String[] { toolId, action });
		return SyncToolSpecification.builder().tool(tool.tool()).callHandler((exchange, request) -> {
			AgentAuthentication agent = (exchange.transportContext()
				.get(AUTHENTICATION) instanceof AgentAuthentication value) ? value : null;
			if (agent == null) {
				return error("The call needs an agent's access token");
			}
			ToolDecision decision = this.decisions.evaluate(agent, toolId, action, null, null);
			if (!decision.allowed()) {
				return error(decision.reasonUser());
			}
			return tool.callHandler().apply(exchange, request);
		}).build();
	}

	/**
	 * The {@code tools/list} filter: a tool is listed when it is guarded and the PDP
	 * allows its action now.
	 * @return the filter for {@code McpServer...addToolFilter}
	 */
	@SuppressWarnings("unchecked")
	public McpSyncListFilter<McpSchema.Tool> toolFilter() {
		return (context, tool) -> {
			String[] target = this.guarded.get(tool.name());
			if (target == null || !(context.get(AUTHENTICATION) instanceof AgentAuthentication agent)
					|| !(context.get(ALLOWED) instanceof Map<?, ?> memo)) {
				return false;
			}
			Set<String> allowed = ((Map<String, Set<String>>) memo).computeIfAbsent(target[0],
					(toolId) -> this.decisions.allowedActions(agent, toolId));
			return allowed.contains(target[1]);
		};
	}

	private static CallToolResult error(String text) {
		return CallToolResult.builder().isError(true).addTextContent(text).build();
	}

}
