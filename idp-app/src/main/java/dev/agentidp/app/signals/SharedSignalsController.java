package dev.agentidp.app.signals;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentidp.app.AdminBodies;
import dev.agentidp.app.AdminBodyErrors;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.signals.InvalidSignalRequestException;
import dev.agentidp.signals.PollRequest;
import dev.agentidp.signals.PollResult;
import dev.agentidp.signals.SharedSignals;
import dev.agentidp.signals.SignalNotFoundException;
import dev.agentidp.signals.SsfStream;
import dev.agentidp.tokens.RegistryClients;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The OpenID Shared Signals Framework 1.0 transmitter (docs/signals.md "Shared Signals"):
 * its metadata ({@code GET /.well-known/ssf-configuration}, §7.1), stream management
 * ({@code /ssf/streams}: POST create, GET read or list, PATCH update, PUT replace,
 * DELETE, §8.1.1), status ({@code /ssf/status}, §8.1.2), verification
 * ({@code /ssf/verify}, §8.1.4) and RFC 8936 poll delivery ({@code POST
 * /ssf/poll/{stream_id}}). Management errors are problem documents; poll errors RFC 8936
 * §2.4 {@code {"err", "description"}}.
 */
@RestController
class SharedSignalsController {

	private static final String STREAMS = "/ssf/streams";

	private static final String STATUS = "/ssf/status";

	private static final String VERIFY = "/ssf/verify";

	private final SharedSignals signals;

	private final AdminBodies bodies;

	private final JsonMapper json;

	private final AuthorizationServerSettings settings;

	SharedSignalsController(SharedSignals signals, AdminBodies bodies, JsonMapper json,
			AuthorizationServerSettings settings) {
		this.signals = signals;
		this.bodies = bodies;
		this.json = json;
		this.settings = settings;
	}

	@GetMapping(path = SsfCallers.METADATA_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> metadata() {
		String issuer = issuer();
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("spec_version", "1_0");
		metadata.put("issuer", issuer);
		metadata.put("jwks_uri", issuer + "/oauth2/jwks");
		metadata.put("delivery_methods_supported", List.of(SharedSignals.PUSH, SharedSignals.POLL));
		metadata.put("configuration_endpoint", issuer + STREAMS);
		metadata.put("status_endpoint", issuer + STATUS);
		metadata.put("verification_endpoint", issuer + VERIFY);
		metadata.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
		metadata.put("default_subjects", "NONE");
		return metadata;
	}

	@PostMapping(path = STREAMS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) StreamRequest body,
			Authentication authentication, HttpServletRequest request) {
		StreamRequest valid = this.bodies.valid(body, StreamRequest.class);
		if (valid.streamId() != null) {
			throw new InvalidSignalRequestException("stream_id: is set by the transmitter (leave it out)");
		}
		SsfStream stream = this.signals.create(caller(authentication), issuer(), valid.configuration(),
				source(request));
		return ResponseEntity.created(URI.create(STREAMS + "?stream_id=" + stream.id())).body(view(stream));
	}

	@GetMapping(path = STREAMS, produces = MediaType.APPLICATION_JSON_VALUE)
	Object read(@RequestParam(name = "stream_id", required = false) String streamId, Authentication authentication) {
		if (streamId == null) {
			return this.signals.list(caller(authentication)).stream().map(this::view).toList();
		}
		return view(this.signals.get(caller(authentication), id(streamId)));
	}

	@PatchMapping(path = STREAMS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> update(@RequestBody(required = false) StreamRequest body, Authentication authentication,
			HttpServletRequest request) {
		return change(body, authentication, request, false);
	}

	@PutMapping(path = STREAMS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> replace(@RequestBody(required = false) StreamRequest body, Authentication authentication,
			HttpServletRequest request) {
		return change(body, authentication, request, true);
	}

	@DeleteMapping(path = STREAMS)
	ResponseEntity<Void> delete(@RequestParam(name = "stream_id", required = false) String streamId,
			Authentication authentication) {
		this.signals.delete(caller(authentication), id(required(streamId)));
		return ResponseEntity.noContent().build();
	}

	@GetMapping(path = STATUS, produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> status(@RequestParam(name = "stream_id", required = false) String streamId,
			Authentication authentication) {
		return status(this.signals.get(caller(authentication), id(required(streamId))));
	}

	@PostMapping(path = STATUS, consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> setStatus(@RequestBody(required = false) StreamStatusRequest body,
			Authentication authentication, HttpServletRequest request) {
		StreamStatusRequest valid = this.bodies.valid(body, StreamStatusRequest.class);
		return status(this.signals.setStatus(caller(authentication), id(required(valid.streamId())), valid.status(),
				valid.reason(), source(request)));
	}

	@PostMapping(path = VERIFY, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> verify(@RequestBody(required = false) StreamStatusRequest body, Authentication authentication,
			HttpServletRequest request) {
		StreamStatusRequest valid = this.bodies.valid(body, StreamStatusRequest.class);
		this.signals.verify(caller(authentication), id(required(valid.streamId())), valid.state(), source(request));
		return ResponseEntity.noContent().build();
	}

	/**
	 * RFC 8936 §2.4: the poll. The body is read here rather than bound by the framework,
	 * so that every refusal is answered in the RFC's error JSON, never a problem
	 * document.
	 */
	@PostMapping(path = SharedSignals.POLL_PATH + "{streamId}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> poll(@PathVariable String streamId, @RequestBody(required = false) String body,
			Authentication authentication, HttpServletRequest request) {
		try {
			PollBody poll = (body == null || body.isBlank()) ? new PollBody(null, null, null, null)
					: this.json.readValue(body, PollBody.class);
			if (poll == null) {
				throw new InvalidSignalRequestException("body: must be a JSON object");
			}
			PollResult result = this.signals.poll(caller(authentication), id(streamId),
					new PollRequest(poll.ack(), (poll.setErrs() != null) ? List.copyOf(poll.setErrs().keySet()) : null,
							poll.maxEvents(), Boolean.TRUE.equals(poll.returnImmediately())),
					source(request));
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("sets", result.sets());
			answer.put("moreAvailable", result.moreAvailable());
			return ResponseEntity.ok(answer);
		}
		catch (JacksonException ex) {
			String detail = AdminBodyErrors.detail(ex);
			return pollError(HttpStatus.BAD_REQUEST, (detail != null) ? detail
					: "body: must be a JSON object {ack, setErrs, maxEvents, returnImmediately}");
		}
		catch (InvalidSignalRequestException ex) {
			return pollError(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		catch (SignalNotFoundException ex) {
			return pollError(HttpStatus.NOT_FOUND, ex.getMessage());
		}
	}

	private static ResponseEntity<Map<String, Object>> pollError(HttpStatus status, String description) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("err", "invalid_request");
		error.put("description", description);
		return ResponseEntity.status(status).body(error);
	}

	private Map<String, Object> change(StreamRequest body, Authentication authentication, HttpServletRequest request,
			boolean replace) {
		StreamRequest valid = this.bodies.valid(body, StreamRequest.class);
		return view(this.signals.update(caller(authentication), id(required(valid.streamId())), valid.configuration(),
				replace, source(request)));
	}

	private String issuer() {
		String configured = this.settings.getIssuer();
		return StringUtils.hasText(configured) ? configured
				: ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
	}

	private static String caller(Authentication authentication) {
		String clientId = ((JwtAuthenticationToken) authentication).getToken().getClaimAsString("client_id");
		if (clientId == null || RegistryClients.agentId(clientId).isPresent()) {
			// the security chain lets only resource-server and admin clients here
			throw new IllegalStateException("not a resource-server or admin client");
		}
		return clientId;
	}

	private static String required(String streamId) {
		if (streamId == null) {
			throw new InvalidSignalRequestException("stream_id: is required");
		}
		return streamId;
	}

	/** A stream id that is no UUID names no stream: 404, as an unknown one. */
	private static UUID id(String streamId) {
		try {
			return UUID.fromString(streamId);
		}
		catch (IllegalArgumentException ex) {
			throw new SignalNotFoundException("No stream " + streamId + " of this client");
		}
	}

	private static String source(HttpServletRequest request) {
		return RequestSource.of(request.getRemoteAddr());
	}

	private Map<String, Object> view(SsfStream stream) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("stream_id", stream.id().toString());
		view.put("iss", stream.issuer());
		view.put("aud", stream.audience());
		view.put("events_supported", this.signals.eventsSupported());
		view.put("events_requested", stream.eventsRequested());
		view.put("events_delivered", stream.eventsDelivered());
		Map<String, Object> delivery = new LinkedHashMap<>();
		delivery.put("method", stream.deliveryMethod());
		delivery.put("endpoint_url", stream.endpointUrl());
		view.put("delivery", delivery);
		if (stream.description() != null) {
			view.put("description", stream.description());
		}
		return view;
	}

	private static Map<String, Object> status(SsfStream stream) {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("stream_id", stream.id().toString());
		status.put("status", stream.status());
		if (stream.reason() != null) {
			status.put("reason", stream.reason());
		}
		return status;
	}

	/**
	 * RFC 8936 §2.4's poll request.
	 *
	 * @param ack the jtis acknowledged
	 * @param setErrs errors on SETs, by jti
	 * @param maxEvents the most SETs to return
	 * @param returnImmediately whether to answer at once
	 */
	record PollBody(List<String> ack, Map<String, Object> setErrs, Integer maxEvents,
			@JsonProperty("returnImmediately") Boolean returnImmediately) {
	}

}
