# Serai's container image: built with Maven on the official JDK 17 image, run on a jlink-ed runtime
# (only the modules in docker/modules) on distroless cc (distroless base plus libstdc++ and libgcc_s, which
# Brotli4j's native library needs for br), as a non-root user, with the route files in /etc/serai/routes. docker/verify.sh builds the same runtime and layout without a container engine.
# The admin listener listens on 0.0.0.0:9090 inside the container, so the HEALTHCHECK, probes and
# Prometheus reach it: /health/* and /metrics are open, while /routes, the status page and DELETE /cache
# need SERAI_ADMIN_TOKEN (without one they answer 403). Publish 9090 on the host's loopback only:
#   docker build -t serai .
#   docker run --read-only --tmpfs /tmp -p 8080:8080 -p 127.0.0.1:9090:9090 -e SERAI_ADMIN_TOKEN="$(openssl rand -hex 16)" serai

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests -Dserai.cds.skip=true
COPY docker/modules docker/modules
RUN jlink --add-modules "$(cat docker/modules)" --strip-debug --no-man-pages --no-header-files --compress=2 \
      --output /opt/jre
# The runtime's own CDS archive of the JDK's classes, then Serai's AppCDS archive on top of it: the jar is
# started once on the demo routes at its final path (docker/jvm.options names the archive).
COPY routes routes
COPY docker/jvm.options docker/jvm.options
COPY scripts/AppCdsArchive.java scripts/AppCdsArchive.java
RUN /opt/jre/bin/java -Xshare:dump -XX:-UsePerfData > /dev/null \
 && mkdir /app && cp target/serai.jar /app/serai.jar && cp -r target/lib /app/lib \
 && cd /app && java /src/scripts/AppCdsArchive.java /opt/jre/bin/java serai.jar serai.jsa /src/docker/jvm.options /src/routes
# Brotli4j's native library for this build's architecture, unpacked into the image: docker/jvm.options puts
# /app/native on java.library.path. Without it Brotli4j unpacks it into /tmp at start and loads it from
# there, which the `--tmpfs /tmp` of the run line above (noexec by default) forbids: gzip only then.
RUN arch="$(uname -m)" && mkdir /app/native && cd /app/native \
 && jar xf /src/target/lib/native-linux-"$arch"-*.jar "lib/linux-$arch/libbrotli.so" \
 && mv "lib/linux-$arch/libbrotli.so" . && rm -r lib

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /opt/jre /opt/jre
COPY --from=build /app /app
COPY docker/jvm.options /app/jvm.options
COPY routes /etc/serai/routes
ENV SERAI_ROUTES=/etc/serai/routes \
    SERAI_ADMIN_HOST=0.0.0.0
USER 65532:65532
WORKDIR /app
EXPOSE 8080 9090
# The JVM itself checks liveness: distroless has no shell or curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/opt/jre/bin/java", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmx16m", "-cp", "/app/serai.jar", "io.serai.HealthProbe", "http://127.0.0.1:9090/health/live"]
ENTRYPOINT ["/opt/jre/bin/java", "@/app/jvm.options", "-jar", "/app/serai.jar"]
