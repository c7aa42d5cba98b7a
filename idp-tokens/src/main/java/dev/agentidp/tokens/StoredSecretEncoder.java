package dev.agentidp.tokens;

import dev.agentidp.registry.ClientSecrets;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Checks {@code client_secret_basic} secrets against their stored SHA-256 in constant
 * time ({@link ClientSecrets}). Sound because every secret this provider issues carries
 * 256 random bits; fast because it is one hash, where bcrypt costs ~64 ms per call.
 */
final class StoredSecretEncoder implements PasswordEncoder {

	@Override
	public String encode(CharSequence rawPassword) {
		return ClientSecrets.hash(rawPassword);
	}

	@Override
	public boolean matches(CharSequence rawPassword, String encodedPassword) {
		return ClientSecrets.matches(rawPassword, encodedPassword);
	}

}
