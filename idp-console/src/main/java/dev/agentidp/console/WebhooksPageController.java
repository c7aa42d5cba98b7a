package dev.agentidp.console;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.agentidp.audit.RequestSource;
import dev.agentidp.signals.InvalidSignalRequestException;
import dev.agentidp.signals.NewWebhookSubscription;
import dev.agentidp.signals.SignalNotFoundException;
import dev.agentidp.signals.SignalType;
import dev.agentidp.signals.WebhookDelivery;
import dev.agentidp.signals.WebhookSubscription;
import dev.agentidp.signals.Webhooks;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The webhooks page ({@code /console/webhooks}, issue 20 "Outbound signals"), admins
 * only: the subscriptions, subscribing one (URL, events, optional secret; a generated
 * secret is shown once, on the answer to the POST, never stored in the clear or put in a
 * URL), deleting one, and each one's delivery log, through {@link Webhooks} as the admin
 * API's {@code /admin/v1/webhooks} does, so that the same rules apply (the URL checked
 * against server-side request forgery) and the same records are written
 * ({@code webhook.subscribed}, {@code webhook.deleted}, {@code webhook.refused}) with the
 * person as actor.
 */
@Controller
class WebhooksPageController {

	/** The deliveries a subscription's page shows, newest first. */
	static final int DELIVERIES_SHOWN = 100;

	static final int MAX_URL = 2048;

	static final int MAX_DESCRIPTION = 500;

	private final Webhooks webhooks;

	WebhooksPageController(Webhooks webhooks) {
		Assert.notNull(webhooks, "webhooks cannot be null");
		this.webhooks = webhooks;
	}

	@GetMapping("/console/webhooks")
	String webhooks(Model model) {
		ClientsPageController.admin();
		model.addAttribute("title", "Webhooks");
		model.addAttribute("subscriptions", this.webhooks.list().stream().map(SubscriptionRow::of).toList());
		model.addAttribute("eventTypes", eventTypes());
		model.addAttribute("max", Webhooks.MAX_SUBSCRIPTIONS);
		return "console/webhooks";
	}

	@GetMapping("/console/webhooks/{id}")
	String subscription(@PathVariable String id, Model model) {
		ClientsPageController.admin();
		UUID subscription = id(id);
		model.addAttribute("title", "Webhook deliveries");
		model.addAttribute("subscription", SubscriptionRow.of(this.webhooks.get(subscription)));
		model.addAttribute("deliveries",
				this.webhooks.deliveries(subscription, DELIVERIES_SHOWN).stream().map(DeliveryRow::of).toList());
		return "console/webhook";
	}

	@PostMapping("/console/webhooks")
	String subscribe(@RequestParam(required = false) String url, @RequestParam(required = false) List<String> events,
			@RequestParam(required = false) String secret, @RequestParam(required = false) String description,
			Model model, HttpServletRequest request, HttpServletResponse response) {
		SignedInPerson me = ClientsPageController.admin();
		String target = AgentRegistrationController.text("url", url, MAX_URL);
		String about = AgentRegistrationController.text("description", description, MAX_DESCRIPTION);
		// an empty field asks for a generated secret; a given one is checked by the
		// facade
		String signing = StringUtils.hasLength(secret) ? secret : null;
		NewWebhookSubscription created = this.webhooks.subscribe(target, (events != null) ? events : List.of(), signing,
				about, me.actor(), RequestSource.of(request.getRemoteAddr()));
		// a generated secret is on this page only: no cache keeps it
		response.setHeader("Cache-Control", "no-store");
		model.addAttribute("title", "Webhook subscribed");
		model.addAttribute("subscription", SubscriptionRow.of(created.subscription()));
		model.addAttribute("secret", created.generatedSecret());
		return "console/webhook-subscribed";
	}

	@PostMapping("/console/webhooks/{id}/delete")
	String delete(@PathVariable String id, RedirectAttributes redirect) {
		SignedInPerson me = ClientsPageController.admin();
		UUID subscription = id(id);
		this.webhooks.delete(subscription, me.actor());
		redirect.addFlashAttribute("message", "Deleted subscription " + subscription + " and its delivery log.");
		return "redirect:/console/webhooks";
	}

	/** A subscription the facade refused (recorded there as {@code webhook.refused}). */
	@ExceptionHandler(InvalidSignalRequestException.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String refused(InvalidSignalRequestException ex, Model model) {
		return ConsoleModel.error(model, HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(SignalNotFoundException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(Model model) {
		return ConsoleModel.error(model, HttpStatus.NOT_FOUND, "There is no such webhook subscription.");
	}

	/** An id that is no UUID names no subscription: 404, as an unknown one. */
	private static UUID id(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new SignalNotFoundException("No webhook subscription " + id);
		}
	}

	private static List<String> eventTypes() {
		return Arrays.stream(SignalType.values()).map(SignalType::value).toList();
	}

	/** A subscription as the page shows it: never its secret. */
	record SubscriptionRow(String id, String url, String events, String description, String createdBy,
			String createdAt) {

		static SubscriptionRow of(WebhookSubscription subscription) {
			return new SubscriptionRow(subscription.id().toString(), subscription.url(),
					String.join(", ", subscription.events()), subscription.description(), subscription.createdBy(),
					ConsoleTimes.text(subscription.createdAt()));
		}

	}

	/** One delivery of the log as the page shows it. */
	record DeliveryRow(String id, String eventId, String eventType, String status, int attempts, String lastStatus,
			String lastError, String createdAt, String lastAttemptAt, String nextAttemptAt, String deliveredAt) {

		static DeliveryRow of(WebhookDelivery delivery) {
			return new DeliveryRow(delivery.id().toString(), delivery.eventId().toString(), delivery.eventType(),
					delivery.status(), delivery.attempts(),
					(delivery.lastStatus() != null) ? delivery.lastStatus().toString() : null, delivery.lastError(),
					ConsoleTimes.text(delivery.createdAt()), ConsoleTimes.text(delivery.lastAttemptAt()),
					ConsoleTimes.text(delivery.nextAttemptAt()), ConsoleTimes.text(delivery.deliveredAt()));
		}

	}

}
