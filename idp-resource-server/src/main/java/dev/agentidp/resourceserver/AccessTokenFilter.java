package dev.agentidp.resourceserver;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.agentidp.dpop.DpopProof;
import dev.agentidp.dpop.DpopProofVerifier;
import dev.agentidp.dpop.InvalidDpopProofException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by its access token, before Spring Security's authorization:
 * <ul>
 * <li>{@code Authorization: DPoP <token>} (RFC 9449 §7.1) needs exactly one {@code DPoP}
 * header, a proof that passes {@link DpopProofVerifier} for this request's method and URI
 * with {@code ath} = the token's hash (§4.3 step 12), a token that is active, for this
 * resource and DPoP-bound, and the proof's key = the token's {@code cnf.jkt} (§4.3 step
 * 12, §7.1). Refused: 401 {@code invalid_dpop_proof} or {@code invalid_token};</li>
 * <li>{@code Authorization: Bearer <token>} (RFC 6750 §2.1): an active token for this
 * resource that is not DPoP-bound (RFC 9449 §7.2: a bound token presented as a bearer
 * token is refused), unless only DPoP-bound tokens are accepted;</li>
 * <li>two {@code Authorization} headers, or a token that is not a token's syntax: 400
 * {@code invalid_request} (RFC 6750 §3.1);</li>
 * <li>no credentials: the request goes on unauthenticated (and is answered 401 with the
 * challenges wherever authentication is required).</li>
 * </ul>
 * Every refusal is reported to {@link Refusals} and written by {@link Challenges}.
 */
final class AccessTokenFilter extends OncePerRequestFilter {

	/** RFC 6750 §2.1 {@code b64token}. */
	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

	/** Longest token read. */
	private static final int MAX_TOKEN = 16 * 1024;

	private final AccessTokenVerifier tokens;

	private final DpopProofVerifier proofs;

	private final Challenges challenges;

	private final Refusals refusals;

	private final String resource;

	private final boolean dpopOnly;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	private final RequestAttributeSecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

	AccessTokenFilter(AccessTokenVerifier tokens, DpopProofVerifier proofs, Challenges challenges, Refusals refusals,
			ResourceServerProperties properties) {
		this.tokens = tokens;
		this.proofs = proofs;
		this.challenges = challenges;
		this.refusals = refusals;
		this.resource = IntrospectionVerifier.withoutSlash(properties.resource().toString());
		this.dpopOnly = properties.dpopBoundAccessTokensRequired();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		List<String> authorizations = Collections.list(request.getHeaders("Authorization"));
		if (authorizations.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		if (authorizations.size() > 1) {
			refuse(response, 400, null, Challenges.INVALID_REQUEST,
					"The request has more than one Authorization header");
			return;
		}
		String authorization = authorizations.get(0);
		int space = authorization.indexOf(' ');
		String scheme = (space > 0) ? authorization.substring(0, space).toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("dpop") && !scheme.equals("bearer")) {
			// another scheme is not ours to judge: unauthenticated
			chain.doFilter(request, response);
			return;
		}
		String used = scheme.equals("dpop") ? "DPoP" : "Bearer";
		String token = authorization.substring(space + 1).trim();
		if (token.isEmpty() || token.length() > MAX_TOKEN || !TOKEN.matcher(token).matches()) {
			refuse(response, 400, used, Challenges.INVALID_REQUEST, "The Authorization header holds no access token");
			return;
		}
		String uri = request.getRequestURL().toString();
		List<String> proofHeaders = Collections.list(request.getHeaders("DPoP"));
		try {
			AgentAuthentication authentication = used.equals("DPoP")
					? dpop(token, proofHeaders, request.getMethod(), uri) : bearer(token, request.getMethod(), uri);
			SecurityContext context = this.contexts.createEmptyContext();
			context.setAuthentication(authentication);
			this.contexts.setContext(context);
			// async and error dispatches of this request find it again
			this.repository.saveContext(context, request, response);
			try {
				chain.doFilter(request, response);
			}
			finally {
				this.contexts.clearContext();
			}
		}
		catch (InvalidDpopProofException ex) {
			refuse(response, 401, used, Challenges.INVALID_DPOP_PROOF, ex.getMessage());
		}
		catch (InvalidAccessTokenException ex) {
			refuse(response, 401, used, Challenges.INVALID_TOKEN, ex.getMessage());
		}
		catch (ProviderUnavailableException ex) {
			this.refusals.refused("temporarily_unavailable", ex.getMessage());
			response.setStatus(503);
			response.setHeader("Retry-After", "5");
			response.setHeader("Cache-Control", "no-store");
		}
	}

	private AgentAuthentication dpop(String token, List<String> proofHeaders, String method, String uri) {
		// RFC 9449 §4.3 step 1: exactly one DPoP header
		if (proofHeaders.size() != 1) {
			throw new InvalidDpopProofException(proofHeaders.isEmpty() ? "The request has no DPoP header"
					: "The request has more than one DPoP header");
		}
		String proofValue = proofHeaders.get(0);
		DpopProof proof = this.proofs.verify(proofValue, method, uri, token);
		VerifiedToken verified = forThisResource(this.tokens.verify(token));
		if (verified.jkt() == null) {
			throw new InvalidAccessTokenException(
					"The access token is not DPoP-bound: present it with the Bearer scheme");
		}
		// RFC 9449 §7.1: the proof's key is the one the token is bound to
		if (!verified.jkt().equals(proof.jkt())) {
			throw new InvalidDpopProofException(
					"The DPoP proof is signed by another key than the one the access token is bound to (cnf.jkt)");
		}
		return new AgentAuthentication(verified, token, proofValue, method, uri);
	}

	private AgentAuthentication bearer(String token, String method, String uri) {
		if (this.dpopOnly) {
			throw new InvalidAccessTokenException("This resource accepts DPoP-bound access tokens only");
		}
		VerifiedToken verified = forThisResource(this.tokens.verify(token));
		// RFC 9449 §7.2: a DPoP-bound token is not a bearer token
		if (verified.jkt() != null) {
			throw new InvalidAccessTokenException(
					"The access token is DPoP-bound: present it with the DPoP scheme and a proof");
		}
		return new AgentAuthentication(verified, token, null, method, uri);
	}

	/** RFC 8707 §2 / RFC 9068 §4: the token's audience names this resource. */
	private VerifiedToken forThisResource(VerifiedToken token) {
		boolean ours = token.audience()
			.stream()
			.anyMatch((audience) -> IntrospectionVerifier.withoutSlash(audience).equals(this.resource));
		if (!ours) {
			throw new InvalidAccessTokenException(
					"The access token's aud does not name this resource " + this.resource);
		}
		return token;
	}

	private void refuse(HttpServletResponse response, int status, String scheme, String error, String reason)
			throws IOException {
		this.refusals.refused(error, reason);
		this.challenges.write(response, status, scheme, error, reason);
	}

}
