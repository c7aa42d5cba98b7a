# Sourced by .ci/run, bench/run and bench/keycloak: finds a JDK that can build and run the
# project (release 21), without changing anything.
#   java_major DIR  the major version of the JDK in DIR
#   find_jdk        prints the first JDK 21 or newer among $JAVA_HOME, the JDK of the javac on
#                   PATH, Temurin 25, Temurin 21 and /usr/lib/jvm/*; fails when there is none

java_major() {
	"$1/bin/java" -version 2>&1 | head -n 1 | sed -E 's/^[^"]*"([0-9]+).*/\1/'
}

find_jdk() {
	local candidate major on_path=""
	if command -v javac >/dev/null 2>&1; then
		on_path=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
	fi
	for candidate in "${JAVA_HOME:-}" "$on_path" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*; do
		[ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
		major=$(java_major "$candidate")
		if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge 21 ]; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}
