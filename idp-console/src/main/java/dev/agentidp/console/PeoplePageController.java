package dev.agentidp.console;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.agentidp.registry.InvalidInputException;

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
 * The people page ({@code /console/people}), admins only: the local accounts by username,
 * 50 a page; creating one with its roles and an initial password, and disabling one,
 * through {@link People} ({@code person.created}, {@code person.disabled}, with the admin
 * as actor). Federated people have no account here: their roles come from their
 * organisation's provider at each sign-in.
 */
@Controller
class PeoplePageController {

	static final int PAGE_SIZE = 50;

	private static final int MAX_APPROVER = 80;

	private final People people;

	PeoplePageController(People people) {
		Assert.notNull(people, "people cannot be null");
		this.people = people;
	}

	@GetMapping("/console/people")
	String people(@RequestParam(required = false) String after, @RequestParam(required = false) String created,
			@RequestParam(required = false) String disabled, Model model) {
		ClientsPageController.admin();
		String from = StringUtils.hasText(after) && after.length() <= 64 ? after : null;
		List<Person> page = this.people.list(from, PAGE_SIZE + 1);
		List<Person> shown = page.subList(0, Math.min(PAGE_SIZE, page.size()));
		model.addAttribute("title", "People");
		model.addAttribute("people", shown.stream().map(PersonRow::of).toList());
		model.addAttribute("created", StringUtils.hasText(created) ? created : null);
		model.addAttribute("disabled", StringUtils.hasText(disabled) ? disabled : null);
		model.addAttribute("paged", from != null);
		model.addAttribute("nextUrl",
				(page.size() > PAGE_SIZE) ? url("after", shown.get(shown.size() - 1).username()) : null);
		return "console/people";
	}

	@PostMapping("/console/people")
	String create(@RequestParam(required = false) String username, @RequestParam(required = false) String email,
			@RequestParam(required = false) String password, @RequestParam(required = false) List<String> roles,
			@RequestParam(required = false) String approver) {
		SignedInPerson me = ClientsPageController.admin();
		Set<String> granted = new LinkedHashSet<>((roles != null) ? roles : List.of());
		if (StringUtils.hasText(approver)) {
			if (approver.length() > MAX_APPROVER) {
				throw new InvalidInputException("approver", "must be at most " + MAX_APPROVER + " characters");
			}
			granted.add(Person.APPROVER_PREFIX + approver.strip());
		}
		Person person = this.people.create(username, StringUtils.hasText(email) ? email.strip() : null, password,
				granted, me.actor());
		return "redirect:" + url("created", person.username());
	}

	@PostMapping("/console/people/{username}/disable")
	String disable(@PathVariable String username, @RequestParam(required = false) String reason) {
		SignedInPerson me = ClientsPageController.admin();
		Person person = this.people.disable(username, StringUtils.hasText(reason) ? reason.strip() : null, me.actor());
		return "redirect:" + url("disabled", person.username());
	}

	@ExceptionHandler(IllegalStateException.class)
	@ResponseStatus(HttpStatus.CONFLICT)
	String conflict(IllegalStateException ex, Model model) {
		model.addAttribute("me", ConsoleModel.signedIn());
		model.addAttribute("status", HttpStatus.CONFLICT.value());
		model.addAttribute("title", HttpStatus.CONFLICT.getReasonPhrase());
		model.addAttribute("message", ex.getMessage());
		return "console/error";
	}

	private static String url(String name, String value) {
		return UriComponentsBuilder.fromPath("/console/people").queryParam(name, value).encode().build().toUriString();
	}

	/**
	 * A person as the page shows them.
	 *
	 * @param username the username
	 * @param email the email address, or empty
	 * @param roles the roles, sorted and joined
	 * @param createdAt when the account was created
	 * @param active whether sign-in is allowed
	 */
	record PersonRow(String username, String email, String roles, String createdAt, boolean active) {

		static PersonRow of(Person person) {
			return new PersonRow(person.username(), (person.email() != null) ? person.email() : "",
					String.join(", ", person.roles().stream().sorted().toList()), person.createdAt().toString(),
					!person.disabled());
		}

	}

}
