package org.mcpfront.testing;

/**
 * server-everything in both HTTP modes behind one mcp-front: route {@code /streamable} reaches the
 * Streamable HTTP backend and {@code /legacy} the legacy SSE one, plus any extra routes a test adds.
 */
public final class BothBackends implements AutoCloseable {

    public final EverythingServer streamable;
    public final EverythingServer sse;
    public final FrontHarness front;

    private BothBackends(EverythingServer streamable, EverythingServer sse, FrontHarness front) {
        this.streamable = streamable;
        this.sse = sse;
        this.front = front;
    }

    public static BothBackends start(String extraRoutesYaml) {
        EverythingServer streamable = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        EverythingServer sse = null;
        try {
            sse = EverythingServer.start(EverythingServer.Mode.SSE);
            FrontHarness front =
                    FrontHarness.start("""
                    - path: "/streamable"
                      type: http
                      backend: "%s"
                    - path: "/legacy"
                      type: http
                      backend: "%s"
                    %s
                    """.formatted(streamable.url(), sse.url(), extraRoutesYaml.strip()));
            return new BothBackends(streamable, sse, front);
        } catch (RuntimeException e) {
            Closeables.closeAll(streamable, sse);
            throw e;
        }
    }

    @Override
    public void close() {
        Closeables.closeAll(streamable, sse, front);
    }
}
