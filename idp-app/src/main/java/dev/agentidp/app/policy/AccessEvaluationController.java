package dev.agentidp.app.policy;

import java.util.Map;

import dev.agentidp.policy.AuthZenMetadata;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The policy decision point's metadata (OpenID AuthZEN Authorization API 1.0,
 * {@code /.well-known/authzen-configuration}). The evaluation and search endpoints are
 * {@link AuthZenEndpoints}'.
 */
@RestController
class AccessEvaluationController {

	@GetMapping(PolicyCallers.METADATA_PATH)
	ResponseEntity<Map<String, Object>> metadata() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noCache())
			.body(AuthZenMetadata.entries(AuthorizationServerContextHolder.getContext().getIssuer()));
	}

}
