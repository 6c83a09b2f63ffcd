# mcp-front image: the fat jar on a JRE, with the Docker CLI so that stdio routes can start their
# MCP servers as sibling containers through the host's /var/run/docker.sock.
#
#   docker build -t mcp-front .
#   docker run --init -p 127.0.0.1:8080:8080 --env-file docker/.env \
#     -v /var/run/docker.sock:/var/run/docker.sock --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v "$PWD/my-config.yaml:/app/conf/mcp-front.yaml:ro" mcp-front
#
# docker/docker-compose.yml does all of this for you.

# ---- build: the same Maven command as on a laptop, tests left to CI ----
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
# The pom alone first: dependencies are then a cached layer that only a pom change rebuilds.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline -DskipNpm
COPY src ./src
RUN mvn -B -q package -DskipTests -DskipNpm

# ---- runtime ----
FROM eclipse-temurin:17.0.16_8-jre-noble

# docker-ce-cli from Docker's signed apt repository: the client alone (about 40 MB), updated with
# Docker's releases. Ubuntu's docker.io package would bring the daemon, containerd and runc too,
# none of which runs here: the daemon is the host's, reached through the mounted socket.
# --no-install-recommends keeps the buildx and compose plugins out. curl is in the base image
# already (Adoptium keeps it), so it fetches the key here and serves the HEALTHCHECK below.
RUN set -eux; \
    install -m 0755 -d /etc/apt/keyrings; \
    curl -fsSL https://download.docker.com/linux/ubuntu/gpg -o /etc/apt/keyrings/docker.asc; \
    chmod a+r /etc/apt/keyrings/docker.asc; \
    arch="$(dpkg --print-architecture)"; \
    codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"; \
    echo "deb [arch=${arch} signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu ${codename} stable" \
        > /etc/apt/sources.list.d/docker.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends docker-ce-cli; \
    rm -rf /var/lib/apt/lists/*

# A fixed, numeric uid so that Kubernetes' runAsNonRoot can check it and host files can be owned by it.
# The docker socket belongs to root and the host's docker group, whose GID differs from host to host:
# give the container that group at run time (compose: group_add, docker run: --group-add), rather
# than baking a GID into the image.
RUN groupadd --gid 10001 mcpfront \
    && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/mcpfront --shell /usr/sbin/nologin mcpfront

WORKDIR /app
COPY --from=build /build/target/mcp-front.jar /app/mcp-front.jar
# The container configuration, not conf/mcp-front.yaml: that one listens on 127.0.0.1 (unreachable
# through a published port) and its stdio routes need npx, which the image does not have. Mount your
# own file over this path; it is also where mcp-front looks without --config (WORKDIR /app).
COPY docker/mcp-front.yaml /app/conf/mcp-front.yaml

USER 10001:10001

# JSON lines with severity, message and time: what Cloud Logging and most log shippers parse.
ENV LOG_FORMAT=json
EXPOSE 8080

# curl, already in the base image, rather than a Java probe: a second JVM every 15 s would cost
# more memory and CPU than the server it checks.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/health"]

# Exec form: java is the container's main process (or tini's child with --init), so SIGTERM from
# `docker stop` reaches the JVM and mcp-front drains its sessions (up to 30 s) before it exits.
# The flags sit here rather than in JAVA_TOOL_OPTIONS, which makes the JVM print a "Picked up"
# line to stderr: a line that is not JSON in a JSON log. The heap follows the container's memory
# limit, and an OutOfMemoryError ends the process so that the orchestrator restarts it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/mcp-front.jar"]
CMD ["--config", "/app/conf/mcp-front.yaml"]
