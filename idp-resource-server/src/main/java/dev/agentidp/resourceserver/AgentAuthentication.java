package dev.agentidp.resourceserver;

import java.util.Collection;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.util.Assert;

/**
 * A request authenticated by the kit: the verified token, the acting agent as its name,
 * {@code SCOPE_<scope>} authorities for each granted scope, and, for a DPoP-bound token,
 * the proof and the request's method and URI, which the policy decision point verifies
 * again ({@code subject.properties.dpop_proof}, {@code htm}, {@code htu}). Its
 * credentials are the access token; {@link #toString()} shows neither.
 */
public final class AgentAuthentication extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final transient VerifiedToken token;

	private final String accessToken;

	private final String dpopProof;

	private final String method;

	private final String uri;

	/**
	 * @param token the verified token
	 * @param accessToken the token as presented
	 * @param dpopProof the request's DPoP proof, or {@code null} for a bearer token
	 * @param method the request's method
	 * @param uri the request's URI, as the proof's {@code htu} names it
	 */
	public AgentAuthentication(VerifiedToken token, String accessToken, String dpopProof, String method, String uri) {
		super(authorities(token));
		Assert.notNull(token, "token cannot be null");
		Assert.hasText(accessToken, "accessToken cannot be empty");
		this.token = token;
		this.accessToken = accessToken;
		this.dpopProof = dpopProof;
		this.method = method;
		this.uri = uri;
		setAuthenticated(true);
	}

	private static Collection<GrantedAuthority> authorities(VerifiedToken token) {
		return token.scopes()
			.stream()
			.sorted()
			.<GrantedAuthority>map((scope) -> new SimpleGrantedAuthority("SCOPE_" + scope))
			.toList();
	}

	/**
	 * The verified token.
	 * @return the token
	 */
	public VerifiedToken token() {
		return this.token;
	}

	/**
	 * The access token as presented (for the policy decision point).
	 * @return the token's value
	 */
	public String accessToken() {
		return this.accessToken;
	}

	/**
	 * The request's DPoP proof.
	 * @return the proof, or {@code null} for a bearer token
	 */
	public String dpopProof() {
		return this.dpopProof;
	}

	/**
	 * The request's method ({@code htm}).
	 * @return the method
	 */
	public String method() {
		return this.method;
	}

	/**
	 * The request's URI ({@code htu}).
	 * @return the URI
	 */
	public String uri() {
		return this.uri;
	}

	@Override
	public Object getCredentials() {
		return this.accessToken;
	}

	@Override
	public Object getPrincipal() {
		return this.token.actor();
	}

	@Override
	public String getName() {
		return this.token.actor();
	}

	@Override
	public String toString() {
		return "AgentAuthentication[actor=" + this.token.actor() + ", scopes=" + this.token.scopes() + ", dpop="
				+ (this.dpopProof != null) + "]";
	}

	@Override
	public boolean equals(Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

}
