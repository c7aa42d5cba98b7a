package dev.agentidp.app.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.agentidp.anomalies.Anomalies;
import dev.agentidp.anomalies.Anomaly;
import dev.agentidp.audit.RequestSource;
import dev.agentidp.registry.AgentId;
import dev.agentidp.registry.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/agents/{id}/anomalies}: the anomalies the detection recorded for an
 * agent, and clearing one (docs/api.md, docs/signals.md "Reactions"). A refused clear
 * (unknown anomaly, cleared already) changes nothing and is recorded by the facade as
 * {@value Anomalies#CLEAR_REFUSED} on the agent's chain.
 */
@RestController
@RequestMapping(path = "/admin/v1/agents/{id}/anomalies", produces = MediaType.APPLICATION_JSON_VALUE)
class AnomalyController {

	private final Anomalies anomalies;

	AnomalyController(Anomalies anomalies) {
		this.anomalies = anomalies;
	}

	@GetMapping
	Map<String, Object> list(@PathVariable AgentId id, @RequestParam(defaultValue = "50") int limit) {
		if (limit < 1 || limit > Anomalies.MAX_LIST) {
			throw new InvalidInputException("limit", "must be between 1 and " + Anomalies.MAX_LIST);
		}
		return Map.of("items", this.anomalies.list(id, limit).stream().map(AnomalyController::json).toList());
	}

	@PostMapping("/{anomalyId}/clear")
	Map<String, Object> clear(@PathVariable AgentId id, @PathVariable String anomalyId,
			@RequestBody(required = false) ReasonRequest body, Authentication authentication,
			HttpServletRequest request) {
		UUID anomaly = Anomalies.anomalyId(anomalyId);
		String actor = AdminActor.of(authentication);
		return json(this.anomalies.clear(id, anomaly, actor, ReasonRequest.of(body),
				RequestSource.of(request.getRemoteAddr())));
	}

	static Map<String, Object> json(Anomaly anomaly) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", anomaly.id().toString());
		json.put("agentId", anomaly.agentId().toString());
		json.put("rule", anomaly.rule().value());
		json.put("reaction", anomaly.reaction().value());
		json.put("summary", anomaly.summary());
		json.put("evidence", anomaly.evidence());
		json.put("detectedAt", anomaly.detectedAt().toString());
		json.put("pending", anomaly.pending());
		json.put("clearedAt", (anomaly.clearedAt() != null) ? anomaly.clearedAt().toString() : null);
		json.put("clearedBy", anomaly.clearedBy());
		json.put("clearReason", anomaly.clearReason());
		return json;
	}

}
