package com.example.resourceserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * A stock Spring Boot resource server, as {@code docs/tokens.md} ("Verifying tokens in a
 * resource server") tells a team to build one: the starter
 * {@code spring-boot-starter-security-oauth2-resource-server}, properties only
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and {@code audiences}, or
 * {@code opaquetoken.introspection-uri}, {@code client-id} and {@code client-secret}),
 * Boot's own security filter chain (every request authenticated,
 * {@code oauth2ResourceServer} with {@code jwt} or {@code opaqueToken}) and one bean: the
 * {@code typ} validator that accepts RFC 9068's {@code at+jwt}.
 * <p>
 * It lives outside {@code dev.agentidp} so that the provider's component scan
 * ({@code scanBasePackages = "dev.agentidp"}) never sees it, and it scans only its own
 * package, so it never sees the provider's beans. The tests start it with
 * {@code SpringApplicationBuilder} ({@code ResourceServerInteropTests}).
 */
@SpringBootApplication
public class ResourceServerApplication {

	/**
	 * Our access tokens are RFC 9068 JWTs, header {@code typ: at+jwt}. Spring Security 7
	 * checks {@code typ} with a {@link JwtTypeValidator} that accepts only {@code JWT}
	 * (or none) unless the decoder's validators already hold one; Spring Boot adds every
	 * {@code OAuth2TokenValidator<Jwt>} bean to the decoder it builds from
	 * {@code issuer-uri}, so this bean replaces that default.
	 * @return the validator of the {@code typ} header
	 */
	@Bean
	JwtTypeValidator accessTokenTypeValidator() {
		return new JwtTypeValidator("at+jwt");
	}

	public static void main(String[] args) {
		SpringApplication.run(ResourceServerApplication.class, args);
	}

}
