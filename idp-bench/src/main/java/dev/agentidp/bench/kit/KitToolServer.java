package dev.agentidp.bench.kit;

import java.util.Map;

import dev.agentidp.resourceserver.ToolCall;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tool server of the kit phase: one endpoint, {@code POST /kit/call}, protected by
 * the resource-server kit as docs/resource-servers.md tells a team to do it (the starter
 * and its properties, the kit's own security filter chain), so that each call pays what a
 * real tool call pays: the DPoP proof checked (RFC 9449 §4.3, §7.1), the token
 * introspected at the provider, and the policy decision point asked through
 * {@link ToolCall} (which checks the proof again and audits the decision). Started inside
 * the load generator's process by {@code KitPhase}; it scans only its own package.
 */
@SpringBootApplication
public class KitToolServer {

	/** The tool's id, as the bench's tool agents declare it. */
	public static final String TOOL = "bench-tool";

	/** The tool's one permission. */
	public static final String ACTION = "call";

	/** The endpoint's path. */
	public static final String PATH = "/kit/call";

	/** The tool call: runs only when the policy decision point allows it. */
	@RestController
	public static class Tool {

		/**
		 * A tool call that does nothing: what is measured is the kit around it.
		 * @return a constant answer
		 */
		@PostMapping(PATH)
		@ToolCall(tool = TOOL, action = ACTION)
		public Map<String, Boolean> call() {
			return Map.of("done", true);
		}

	}

}
