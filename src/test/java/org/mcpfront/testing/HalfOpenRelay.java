package org.mcpfront.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to one port that can lose its clients the way a vanished network does: the client's
 * side closes, while the server's side stays open and silent (no FIN, no reset), so the server sees
 * no close, as with a laptop that went to sleep or an instance whose edge was lost.
 */
public final class HalfOpenRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    /** Upstream sockets of lost clients: kept open, unread, until the relay closes. */
    private final List<Socket> upstreams = new CopyOnWriteArrayList<>();

    private HalfOpenRelay(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "half-open-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static HalfOpenRelay to(int port) {
        try {
            return new HalfOpenRelay(port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                clients.add(client);
                upstreams.add(upstream);
                pipe(client.getInputStream(), upstream.getOutputStream());
                pipe(upstream.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pipe(InputStream in, OutputStream out) {
        Thread thread = new Thread(
                () -> {
                    byte[] chunk = new byte[8192];
                    try {
                        int n;
                        while ((n = in.read(chunk)) >= 0) {
                            out.write(chunk, 0, n);
                            out.flush();
                        }
                    } catch (IOException closed) {
                        // One side is gone; the test decides what happens to the other.
                    }
                },
                "half-open-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Every client loses its connection; the server's side of each stays open. */
    public void loseClients() {
        for (Socket client : clients) {
            try {
                client.close();
            } catch (IOException ignored) {
                // Closed already.
            }
        }
        clients.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
        loseClients();
        for (Socket upstream : upstreams) {
            upstream.close();
        }
    }
}
