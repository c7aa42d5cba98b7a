package dev.agentidp.app.tokens;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small token issuer on loopback for the workload identity tests, with keys of its own:
 * it serves OpenID metadata ({@code /.well-known/openid-configuration}) and a JWK Set
 * ({@code /jwks}) over HTTP, as a Kubernetes API server's service-account issuer
 * discovery and SPIRE's OIDC discovery provider do, and signs Kubernetes-shaped projected
 * service-account tokens (RS256) and JWT-SVIDs (ES256). Its key can be rotated
 * ({@link #rotate()}), and it counts the JWK Set fetches.
 */
final class LocalIssuer implements AutoCloseable {

	private final HttpServer server;

	private final String issuer;

	private final List<JWK> published = new ArrayList<>();

	private final AtomicInteger jwksFetches = new AtomicInteger();

	private volatile JWK signing;

	private final boolean elliptic;

	private LocalIssuer(HttpServer server, String path, boolean elliptic) throws JOSEException {
		this.server = server;
		this.elliptic = elliptic;
		this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + path;
		this.signing = newKey();
		this.published.add(this.signing.toPublicJWK());
		server.createContext(path + "/.well-known/openid-configuration", (exchange) -> answer(exchange,
				"{\"issuer\":\"" + this.issuer + "\",\"jwks_uri\":\"" + this.issuer + "/jwks\"}"));
		server.createContext(path + "/jwks", (exchange) -> {
			this.jwksFetches.incrementAndGet();
			answer(exchange, jwks());
		});
	}

	/**
	 * A Kubernetes-shaped issuer (RS256) at {@code /k8s} on its own server.
	 * @return the issuer, serving
	 */
	static LocalIssuer kubernetes() {
		return start("/k8s", false);
	}

	/**
	 * A SPIRE-shaped issuer (ES256) at {@code /spire} on its own server.
	 * @return the issuer, serving
	 */
	static LocalIssuer spire() {
		return start("/spire", true);
	}

	/**
	 * An attester (ES256) at {@code /attester} on its own server.
	 * @return the issuer, serving
	 */
	static LocalIssuer attester() {
		return start("/attester", true);
	}

	private static LocalIssuer start(String path, boolean elliptic) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			LocalIssuer issuer = new LocalIssuer(server, path, elliptic);
			server.start();
			return issuer;
		}
		catch (IOException | JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String issuer() {
		return this.issuer;
	}

	String jwksUri() {
		return this.issuer + "/jwks";
	}

	int jwksFetches() {
		return this.jwksFetches.get();
	}

	synchronized String jwks() {
		return new JWKSet(List.copyOf(this.published)).toString(true);
	}

	/** A new signing key (new kid), published beside the old one. */
	synchronized void rotate() {
		try {
			this.signing = newKey();
			this.published.add(this.signing.toPublicJWK());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A projected service-account token, as the kubelet writes it: {@code iss},
	 * {@code sub} {@code system:serviceaccount:<ns>:<name>}, the audience asked for,
	 * {@code iat}, {@code nbf}, {@code exp} and the {@code kubernetes.io} claim.
	 * @param subject the subject
	 * @param audience the audience
	 * @param edit further changes of the claims
	 * @return the token
	 */
	String token(String subject, String audience, Consumer<JWTClaimsSet.Builder> edit) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(subject)
			.audience(audience)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.jwtID(UUID.randomUUID().toString())
			.claim("kubernetes.io", java.util.Map.of("namespace", "payments"));
		edit.accept(claims);
		return sign(new JWSHeader.Builder(this.elliptic ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256)
			.keyID(this.signing.getKeyID())
			.type(JOSEObjectType.JWT)
			.build(), claims.build());
	}

	String sign(JWSHeader header, JWTClaimsSet claims) {
		try {
			JWSSigner signer = this.elliptic ? new ECDSASigner((ECKey) this.signing)
					: new RSASSASigner((RSAKey) this.signing);
			SignedJWT jwt = new SignedJWT(header, claims);
			jwt.sign(signer);
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String kid() {
		return this.signing.getKeyID();
	}

	private JWK newKey() throws JOSEException {
		return this.elliptic ? new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate()
				: new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
	}

	private static void answer(HttpExchange exchange, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
