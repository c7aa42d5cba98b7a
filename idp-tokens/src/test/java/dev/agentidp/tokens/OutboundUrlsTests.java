package dev.agentidp.tokens;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;

import dev.agentidp.registry.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of the URLs fetched for trusted issuers' keys, outside the {@code dev}
 * profile: https only, never a local address (server-side request forgery).
 */
class OutboundUrlsTests {

	private final OutboundUrls strict = new OutboundUrls(false);

	private final OutboundUrls insecure = new OutboundUrls(true);

	@Test
	void checkWhenHttpThenRefusedUnlessInsecureAllowed() {
		assertThatThrownBy(() -> this.strict.check("jwksUri", "http://keys.example.com/jwks"))
			.isInstanceOf(InvalidInputException.class)
			.hasMessage("jwksUri: must be an https URL (the keys are fetched from it)");
		assertThatNoException().isThrownBy(() -> this.insecure.check("jwksUri", "http://127.0.0.1:8080/jwks"));
		assertThatNoException().isThrownBy(() -> this.strict.check("jwksUri", "https://keys.example.com/jwks"));
	}

	@Test
	void checkWhenLocalAddressThenRefused() {
		for (String url : new String[] { "https://localhost/jwks", "https://127.0.0.1/jwks",
				"https://169.254.169.254/latest/meta-data", "https://10.0.0.1/jwks", "https://192.168.1.1/jwks",
				"https://[::1]/jwks", "https://[fd00::1]/jwks", "https://0.0.0.0/jwks", "https://100.64.0.1/jwks" }) {
			assertThatThrownBy(() -> this.strict.check("jwksUri", url)).as(url)
				.isInstanceOf(InvalidInputException.class)
				.hasMessageContaining("must not name a loopback, link-local or private address");
		}
	}

	@Test
	void checkWhenNotAnAbsoluteUrlThenRefused() {
		for (String url : new String[] { "jwks", "file:///etc/passwd", "https://user:pw@keys.example/jwks",
				"https://keys.example/jwks#x" }) {
			assertThatThrownBy(() -> this.strict.check("jwksUri", url)).as(url)
				.isInstanceOf(InvalidInputException.class);
		}
	}

	@Test
	void guardWhenTheNameResolvesToALocalAddressThenRefused() {
		assertThatThrownBy(() -> this.strict.guard(URI.create("https://localhost/jwks")))
			.isInstanceOf(IOException.class)
			.hasMessageContaining("resolves to a local address");
		assertThatThrownBy(() -> this.strict.guard(URI.create("http://keys.example.com/jwks")))
			.isInstanceOf(IOException.class);
	}

	@Test
	void isLocalWhenPublicAddressThenFalse() throws Exception {
		assertThat(OutboundUrls.isLocal(InetAddress.getByName("93.184.216.34"))).isFalse();
		assertThat(OutboundUrls.isLocal(InetAddress.getByName("2606:2800:220:1::1"))).isFalse();
		assertThat(OutboundUrls.isLocal(InetAddress.getByName("172.16.0.1"))).isTrue();
	}

}
