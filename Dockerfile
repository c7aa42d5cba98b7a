# The provider's image, built from source: `docker build -t agent-idp .` (or `docker compose
# up --build`); no jar needs to be built first. Needs BuildKit, the default builder since
# Docker Engine 23 (the build caches Maven's downloads in a cache mount). Running it, the
# health check, memory and data: docs/operations.md, "Running in a container".

# --- build: the runnable jar, with the project's Maven wrapper ---------------------------
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
# the reactor first (every module's pom, idp-bench's included: the root pom lists it), then
# the sources of the modules idp-app is built from; .dockerignore keeps everything else out
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY idp-bench/pom.xml idp-bench/
COPY db/ db/
COPY idp-audit/ idp-audit/
COPY idp-dpop/ idp-dpop/
COPY idp-registry/ idp-registry/
COPY idp-tokens/ idp-tokens/
COPY idp-approvals/ idp-approvals/
COPY idp-delegation/ idp-delegation/
COPY idp-policy/ idp-policy/
COPY idp-anomalies/ idp-anomalies/
COPY idp-signals/ idp-signals/
COPY idp-console/ idp-console/
# the resource-server kit: idp-app's tests use it (the example MCP tool server), and they
# are compiled here
COPY idp-resource-server/ idp-resource-server/
COPY idp-app/ idp-app/
# the wrapper fetches Maven 3.9.11 and the dependencies from Maven Central into /root/.m2,
# kept between builds by the cache mount; tests are compiled but not run (./mvnw -B verify
# runs them); chmod because a checkout without the executable bit is common on Windows
RUN --mount=type=cache,target=/root/.m2 \
	chmod +x mvnw && ./mvnw -B -q -pl idp-app -am package -DskipTests

# --- runtime: the jar on a Java 21 JRE, as an unprivileged user --------------------------
FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 idp \
	&& useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /var/lib/idp idp \
	&& mkdir -p /var/lib/idp/data \
	&& chown -R 10001:10001 /var/lib/idp
COPY --from=build /src/idp-app/target/idp-app.jar /opt/idp/idp-app.jar
COPY docker/healthcheck /opt/idp/healthcheck
WORKDIR /var/lib/idp
USER 10001:10001
# prod: the key-encryption key must be given (IDP_TOKENS_KEY_ENCRYPTION_KEY), never
# generated next to the data; the heap follows the container's memory limit (75 % of it)
ENV SPRING_PROFILES_ACTIVE=prod \
	IDP_DATA_DIR=/var/lib/idp/data \
	JAVA_OPTS="-XX:MaxRAMPercentage=75"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
	CMD ["bash", "/opt/idp/healthcheck"]
# exec: java replaces the shell as PID 1 and receives SIGTERM (a graceful stop); JAVA_OPTS is
# split into options on purpose; arguments given to `docker run IMAGE ...` reach the
# provider as "$@" ("idp-app" is $0)
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/idp/idp-app.jar \"$@\"", "idp-app"]
CMD []
