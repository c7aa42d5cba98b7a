package dev.agentidp.app.signals;

import java.util.List;

import dev.agentidp.app.AdminBody;
import dev.agentidp.app.WrongType;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /admin/v1/webhooks} (docs/api.md "Webhooks"): {@code {"url",
 * "events": [...], "secret"?, "description"?}}. What the URL, the events and the secret
 * may be is the signals module's rule ({@code Webhooks}).
 *
 * @param url required; where deliveries are posted
 * @param events required; the event types wanted
 * @param secret the signing secret, or {@code null} to have one generated
 * @param description what it is for, or {@code null}
 */
@AdminBody(serverSet = { "id", "createdAt", "createdBy" })
record WebhookRequest(@NotNull(message = "is required") @WrongType("url: must be a string") String url,
		@NotNull(message = "is required: a list of event types") @Size(max = 32,
				message = "must hold at most 32 elements") List<@NotNull(message = "must be a string") String> events,
		@WrongType("secret: must be a string") String secret,
		@WrongType("description: must be a string") String description) {
}
