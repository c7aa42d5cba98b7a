package dev.agentidp.app.registry;

import dev.agentidp.app.AdminBody;

/**
 * The body of a lifecycle call ({@code suspend}, {@code resume}, {@code retire}, a
 * client's {@code disable}): {@code {"reason": "..."}}, all optional. The reason's rule
 * is the registry's (at most 512 characters, no control characters).
 *
 * @param reason why, or {@code null}
 */
@AdminBody(notAnObject = "body: must be a JSON object such as {\"reason\": \"...\"}")
record ReasonRequest(String reason) {

	/**
	 * The reason of a body that may be left out.
	 * @param body the body, or {@code null}
	 * @return the reason, or {@code null}
	 */
	static String of(ReasonRequest body) {
		return (body != null) ? body.reason() : null;
	}

}
