package dev.agentidp.console;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.agentidp.registry.Client;
import dev.agentidp.registry.ClientKind;
import dev.agentidp.registry.ClientNotFoundException;
import dev.agentidp.registry.ClientRegistration;
import dev.agentidp.registry.ClientRegistry;
import dev.agentidp.registry.IllegalClientStateException;
import dev.agentidp.registry.InvalidInputException;
import dev.agentidp.registry.Page;
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
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The clients page ({@code /console/clients}, issue 18 "Clients"), admins only: the
 * resource servers and admin clients, oldest first, 50 a page; registering one (its
 * generated secret shown once, on the answer to the POST, never stored or put in a URL)
 * and disabling one, through {@link ClientRegistry} as the admin API's
 * {@code /admin/v1/clients} does, so that the same rules apply and the same records are
 * written ({@code client.registered}, {@code client.disabled}) with the person as actor.
 */
@Controller
class ClientsPageController {

	static final int PAGE_SIZE = 50;

	private static final int MAX_REASON = 512;

	private static final int MAX_JWK = 4096;

	private final ClientRegistry clients;

	ClientsPageController(ClientRegistry clients) {
		Assert.notNull(clients, "clients cannot be null");
		this.clients = clients;
	}

	@GetMapping("/console/clients")
	String clients(@RequestParam(required = false) String cursor, @RequestParam(required = false) String disabled,
			Model model) {
		admin();
		Page<Client> page = this.clients.list(StringUtils.hasText(cursor) ? cursor : null, PAGE_SIZE);
		model.addAttribute("title", "Clients");
		model.addAttribute("clients", page.items().stream().map(ClientRow::of).toList());
		model.addAttribute("resourceServers", this.clients.count(ClientKind.RESOURCE_SERVER));
		model.addAttribute("adminClients", this.clients.count(ClientKind.ADMIN));
		model.addAttribute("disabled", StringUtils.hasText(disabled) ? disabled : null);
		model.addAttribute("paged", StringUtils.hasText(cursor));
		model.addAttribute("nextUrl",
				(page.nextCursor() != null) ? UriComponentsBuilder.fromPath("/console/clients")
					.queryParam("cursor", page.nextCursor())
					.encode()
					.build()
					.toUriString() : null);
		return "console/clients";
	}

	@PostMapping("/console/clients")
	String register(@RequestParam(required = false) String name, @RequestParam(required = false) String kind,
			@RequestParam(required = false) List<String> scopes, @RequestParam(required = false) String jwk,
			Model model, HttpServletResponse response) {
		SignedInPerson me = admin();
		ClientKind clientKind = kind(kind);
		if (jwk != null && jwk.length() > MAX_JWK) {
			throw new InvalidInputException("jwk", "must be at most " + MAX_JWK + " characters");
		}
		Set<String> granted = (scopes != null) ? new LinkedHashSet<>(scopes) : Set.of();
		ClientRegistration registration = this.clients.register(name, clientKind, granted,
				StringUtils.hasText(jwk) ? jwk.strip() : null, me.actor());
		// the secret is on this page only: no cache keeps it
		response.setHeader("Cache-Control", "no-store");
		model.addAttribute("title", "Client registered");
		model.addAttribute("client", ClientRow.of(registration.client()));
		model.addAttribute("secret", registration.clientSecret());
		return "console/client-registered";
	}

	@PostMapping("/console/clients/{id}/disable")
	String disable(@PathVariable String id, @RequestParam(required = false) String reason) {
		SignedInPerson me = admin();
		if (reason != null && reason.length() > MAX_REASON) {
			throw new InvalidInputException("reason", "must be at most " + MAX_REASON + " characters");
		}
		Client client = this.clients.disable(id, StringUtils.hasText(reason) ? reason.strip() : null, me.actor());
		return "redirect:" + UriComponentsBuilder.fromPath("/console/clients")
			.queryParam("disabled", client.clientId())
			.encode()
			.build()
			.toUriString();
	}

	@ExceptionHandler(ClientNotFoundException.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(Model model) {
		return ConsoleModel.error(model, HttpStatus.NOT_FOUND, "There is no such client.");
	}

	@ExceptionHandler(IllegalClientStateException.class)
	@ResponseStatus(HttpStatus.CONFLICT)
	String conflict(IllegalClientStateException ex, Model model) {
		return ConsoleModel.error(model, HttpStatus.CONFLICT, ex.getMessage());
	}

	private static ClientKind kind(String kind) {
		try {
			return ClientKind.fromValue(kind);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidInputException("kind", "must be resource_server or admin");
		}
	}

	static SignedInPerson admin() {
		SignedInPerson me = ConsoleModel.signedIn();
		if (me == null || !ConsoleAccess.mayAdminister(me)) {
			throw new ConsoleDeniedException(null, "no role for this page or action");
		}
		return me;
	}

	/**
	 * A client as the page shows it: never its secret or its hash.
	 *
	 * @param clientId the client id
	 * @param name its name
	 * @param kind {@code resource_server} or {@code admin}
	 * @param scopes its scopes, sorted and joined
	 * @param authentication {@code client_secret_basic} or {@code private_key_jwt}
	 * @param status {@code active} or {@code disabled}
	 * @param createdAt when it was registered
	 */
	record ClientRow(String clientId, String name, String kind, String scopes, String authentication, String status,
			String createdAt) {

		static ClientRow of(Client client) {
			return new ClientRow(client.clientId(), client.name(), client.kind().value(),
					String.join(" ", client.scopes().stream().sorted().toList()),
					(client.secretHash() != null) ? "client_secret_basic" : "private_key_jwt",
					(client.disabledAt() != null) ? "disabled" : "active", client.createdAt().toString());
		}

		public boolean active() {
			return "active".equals(this.status);
		}

	}

}
