package dev.agentidp.app.signals;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.app.AdminBodies;
import dev.agentidp.app.registry.AdminActor;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.signals.NewWebhookSubscription;
import dev.agentidp.signals.SignalNotFoundException;
import dev.agentidp.signals.WebhookDelivery;
import dev.agentidp.signals.WebhookSubscription;
import dev.agentidp.signals.Webhooks;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The webhook subscriptions (docs/api.md "Webhooks"): {@code POST /admin/v1/webhooks}
 * creates one (a generated secret is in the answer once and nowhere else), {@code GET}
 * lists and reads them (never a secret), {@code DELETE} removes one with its log, and
 * {@code GET …/{id}/deliveries} is its delivery log.
 */
@RestController
class WebhookController {

	private static final String WEBHOOKS = "/admin/v1/webhooks";

	private final Webhooks webhooks;

	private final AdminBodies bodies;

	WebhookController(Webhooks webhooks, AdminBodies bodies) {
		this.webhooks = webhooks;
		this.bodies = bodies;
	}

	@PostMapping(path = WEBHOOKS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> subscribe(@RequestBody(required = false) WebhookRequest body,
			Authentication authentication, HttpServletRequest request) {
		WebhookRequest valid = this.bodies.valid(body, WebhookRequest.class);
		NewWebhookSubscription created = this.webhooks.subscribe(valid.url(), valid.events(), valid.secret(),
				valid.description(), AdminActor.of(authentication), RequestSource.of(request.getRemoteAddr()));
		Map<String, Object> answer = view(created.subscription());
		if (created.generatedSecret() != null) {
			answer.put("secret", created.generatedSecret());
		}
		return ResponseEntity.created(URI.create(WEBHOOKS + "/" + created.subscription().id()))
			.header("Cache-Control", "no-store")
			.body(answer);
	}

	@GetMapping(path = WEBHOOKS, produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> list() {
		return Map.of("items", this.webhooks.list().stream().map(WebhookController::view).toList());
	}

	@GetMapping(path = WEBHOOKS + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> get(@PathVariable String id) {
		return view(this.webhooks.get(id(id)));
	}

	@DeleteMapping(path = WEBHOOKS + "/{id}")
	ResponseEntity<Void> delete(@PathVariable String id, Authentication authentication) {
		this.webhooks.delete(id(id), AdminActor.of(authentication));
		return ResponseEntity.noContent().build();
	}

	@GetMapping(path = WEBHOOKS + "/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> deliveries(@PathVariable String id, @RequestParam(defaultValue = "50") int limit) {
		List<Map<String, Object>> items = this.webhooks.deliveries(id(id), limit)
			.stream()
			.map(WebhookController::view)
			.toList();
		return Map.of("items", items);
	}

	/**
	 * A subscription id that is no UUID names no subscription: 404, as an unknown one.
	 */
	private static UUID id(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new SignalNotFoundException("No webhook subscription " + id);
		}
	}

	private static Map<String, Object> view(WebhookSubscription subscription) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", subscription.id().toString());
		view.put("url", subscription.url());
		view.put("events", subscription.events());
		view.put("description", subscription.description());
		view.put("createdBy", subscription.createdBy());
		view.put("createdAt", subscription.createdAt().toString());
		return view;
	}

	private static Map<String, Object> view(WebhookDelivery delivery) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", delivery.id().toString());
		view.put("eventId", delivery.eventId().toString());
		view.put("eventType", delivery.eventType());
		view.put("status", delivery.status());
		view.put("attempts", delivery.attempts());
		view.put("lastStatus", delivery.lastStatus());
		view.put("lastError", delivery.lastError());
		view.put("createdAt", delivery.createdAt().toString());
		view.put("lastAttemptAt", text(delivery.lastAttemptAt()));
		view.put("nextAttemptAt", text(delivery.nextAttemptAt()));
		view.put("deliveredAt", text(delivery.deliveredAt()));
		return view;
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

}
