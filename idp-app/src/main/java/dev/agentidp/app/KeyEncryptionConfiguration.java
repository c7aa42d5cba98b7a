package dev.agentidp.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import dev.agentidp.tokens.SigningKeyCipher;
import dev.agentidp.tokens.TokensProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.util.StringUtils;

/**
 * Where the key that encrypts the signing keys at rest comes from: the configured
 * {@code idp.tokens.key-encryption-key}; in the {@code dev} profile only, when none is
 * configured, a key generated once into {@code ${idp.data-dir}/key-encryption-key} (mode
 * 0600). Any other profile without the key fails to start with a clear message.
 */
@Configuration(proxyBeanMethods = false)
class KeyEncryptionConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(KeyEncryptionConfiguration.class);

	static final String DEV_KEY_FILE = "key-encryption-key";

	@Bean
	SigningKeyCipher signingKeyCipher(TokensProperties tokens, IdpProperties idp, Environment environment) {
		String configured = tokens.keyEncryptionKey();
		if (StringUtils.hasText(configured)) {
			return new SigningKeyCipher(decode(configured, "idp.tokens.key-encryption-key"));
		}
		if (!environment.acceptsProfiles(Profiles.of("dev"))) {
			throw new MissingKeyEncryptionKeyException("No key-encryption key configured for the signing keys, and the"
					+ " active profiles " + Arrays.toString(environment.getActiveProfiles()) + " do not include dev.");
		}
		Path file = idp.dataDir().resolve(DEV_KEY_FILE).toAbsolutePath().normalize();
		return new SigningKeyCipher(decode(readOrCreate(file), file.toString()));
	}

	private static String readOrCreate(Path file) {
		try {
			if (!Files.exists(file)) {
				byte[] key = new byte[32];
				new SecureRandom().nextBytes(key);
				try {
					SecretFiles.writeOwnerOnly(file, Base64.getEncoder().encodeToString(key));
					logger.warn("dev profile: generated a key-encryption key for the signing keys into {}; configure"
							+ " idp.tokens.key-encryption-key in any other environment", file);
				}
				catch (FileAlreadyExistsException ex) {
					// another process created it first: use theirs
				}
			}
			return Files.readString(file, StandardCharsets.UTF_8).trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or create the dev key-encryption key " + file, ex);
		}
	}

	private static byte[] decode(String base64, String source) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new MissingKeyEncryptionKeyException("The key-encryption key in " + source + " is not base64.");
		}
		if (key.length != 32) {
			throw new MissingKeyEncryptionKeyException(
					"The key-encryption key in " + source + " has " + key.length + " bytes; AES-256 needs exactly 32.");
		}
		return key;
	}

}
