package dev.agentidp.app.signals;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;

/**
 * The body of {@code POST /ssf/status} (SSF 1.0 §8.1.2.2) and, with {@code state}, of
 * {@code POST /ssf/verify} (§8.1.4.2).
 *
 * @param streamId the stream (required)
 * @param status the new status (status only)
 * @param reason why (status only)
 * @param state echoed in the verification event (verification only)
 */
@AdminBody
record StreamStatusRequest(@JsonProperty("stream_id") @WrongType("stream_id: must be a string") String streamId,
		@WrongType("status: must be a string") String status, @WrongType("reason: must be a string") String reason,
		@WrongType("state: must be a string") String state) {
}
