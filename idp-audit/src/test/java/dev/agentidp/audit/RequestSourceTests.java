package dev.agentidp.audit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source a refusal or a failed authentication is counted against.
 */
class RequestSourceTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null", textBlock = """
			203.0.113.7                              | 203.0.113.7
			127.0.0.2                                | 127.0.0.2
			2001:db8:1:2:3:4:5:6                     | 2001:db8:1:2::/64
			2001:db8:1:2:ffff:ffff:ffff:ffff         | 2001:db8:1:2::/64
			0:0:0:0:0:0:0:1                          | 0:0:0:0::/64
			null                                     | unknown
			example.com                              | unknown
			'203.0.113.7; DROP TABLE agent'          | unknown
			""")
	void ofWhenRemoteAddressThenSource(String remoteAddress, String source) {
		assertThat(RequestSource.of(remoteAddress)).isEqualTo(source);
	}

}
