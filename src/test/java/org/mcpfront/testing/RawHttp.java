package org.mcpfront.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.mcpfront.transport.SseParser;

/** Plain HTTP for tests that check exact statuses and headers, where an SDK would hide them. */
public final class RawHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private RawHttp() {}

    /** A request with the tests' bearer token (see {@link TestTokens}), as every MCP client sends one. */
    public static HttpRequest.Builder request(String url) {
        return anonymous(url).header("Authorization", TestTokens.bearer());
    }

    /** A request without credentials. */
    public static HttpRequest.Builder anonymous(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    }

    /** A POST of a JSON-RPC body with the Accept header MCP clients send. */
    public static HttpRequest.Builder mcpPost(String url, String body) {
        return request(url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** The same with {@code accessToken} instead of the tests' token (null: no credentials at all). */
    public static HttpRequest.Builder mcpPost(String url, String body, String accessToken) {
        HttpRequest.Builder request = anonymous(url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return accessToken == null ? request : request.header("Authorization", "Bearer " + accessToken);
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * GETs {@code url} without credentials, as a load balancer's readiness check does, until it answers
     * {@code status} (a check that has to wait for a cold connection, say), and fails with the last
     * answer when 30 seconds pass first.
     */
    public static HttpResponse<String> awaitStatus(String url, int status) {
        return awaitStatus(() -> anonymous(url), status);
    }

    /** The same with a request of the caller's making: the tests' admin token for {@code /ready}'s details, say. */
    public static HttpResponse<String> awaitStatus(Supplier<HttpRequest.Builder> request, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response;
        do {
            response = send(request.get());
            if (response.statusCode() == status) {
                return response;
            }
            FreePorts.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(
                response.uri() + " answered " + response.statusCode() + " " + response.body() + ", expected " + status);
    }

    /** Sends and returns the body as lines as they arrive (for SSE streams). */
    public static HttpResponse<Stream<String>> stream(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The JSON-RPC messages of a POST's answer, whichever form the gateway chose: a JSON object or
     * array, or the {@code data} of each SSE event (multi-line data joined, as readers do).
     */
    public static List<JsonObject> messages(HttpResponse<String> response) {
        List<JsonObject> messages = new ArrayList<>();
        String type = response.headers().firstValue("Content-Type").orElse("");
        String body = response.body();
        if (type.startsWith("application/json")) {
            if (body.stripLeading().startsWith("[")) {
                new JsonArray(body).forEach(item -> messages.add((JsonObject) item));
            } else {
                messages.add(new JsonObject(body));
            }
            return messages;
        }
        // Events without data (SEP-1699 priming events: an id only) carry no message.
        new SseParser(Integer.MAX_VALUE, event -> {
                    if (!event.data().isEmpty()) {
                        messages.add(new JsonObject(event.data()));
                    }
                })
                .feed(Buffer.buffer(body));
        return messages;
    }

    /** The last JSON-RPC message of a POST's answer (see {@link #messages}). */
    public static JsonObject lastMessage(HttpResponse<String> response) {
        List<JsonObject> messages = messages(response);
        if (messages.isEmpty()) {
            throw new AssertionError(
                    "no JSON-RPC message in the answer (status " + response.statusCode() + "): " + response.body());
        }
        return messages.get(messages.size() - 1);
    }

    public static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
            "capabilities":{},"clientInfo":{"name":"mcp-front-test","version":"1"}}}""";
}
