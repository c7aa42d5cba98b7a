# The provider's image: the runnable jar built by `./mvnw -B verify` (idp-app/target/idp-app.jar)
# on a Java 21 runtime, run as an unprivileged user.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/idp idp && mkdir -p /var/lib/idp && chown idp /var/lib/idp
WORKDIR /var/lib/idp
COPY idp-app/target/idp-app.jar /opt/idp/idp-app.jar
USER idp
EXPOSE 8080
ENTRYPOINT ["java", "-Xmx512m", "-jar", "/opt/idp/idp-app.jar"]
