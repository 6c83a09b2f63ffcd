package org.mcpfront.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay to one port with a one-way delay each way, as a backend in another zone is: bytes and the close
 * of each side arrive {@code delayMillis} after they were sent. A side that can no longer be written (the
 * other end closed, so it answers with a reset) closes both.
 */
public final class SlowLink implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final long delayMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** A chunk of bytes, or the sender's close (null bytes), due at {@code due} (System.nanoTime). */
    private record Due(long due, byte[] bytes) {}

    private SlowLink(int target, long delayMillis) throws IOException {
        this.target = target;
        this.delayMillis = delayMillis;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "slow-link");
    }

    public static SlowLink to(int port, long delayMillis) {
        try {
            return new SlowLink(port, delayMillis);
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
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Carries what {@code from} sends to {@code to}, late. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Due> queue = new LinkedBlockingQueue<>();
        daemon(
                () -> {
                    byte[] chunk = new byte[8192];
                    try {
                        InputStream in = from.getInputStream();
                        for (int n; (n = in.read(chunk)) >= 0; ) {
                            queue.add(new Due(System.nanoTime() + delayMillis * 1_000_000, Arrays.copyOf(chunk, n)));
                        }
                    } catch (IOException broken) {
                        // A reset: passed on as a close, late like the rest.
                    }
                    queue.add(new Due(System.nanoTime() + delayMillis * 1_000_000, null));
                },
                "slow-link-read");
        daemon(
                () -> {
                    try {
                        for (Due due = queue.take(); ; due = queue.take()) {
                            long wait = due.due() - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            if (due.bytes() == null) {
                                to.shutdownOutput();
                                return;
                            }
                            to.getOutputStream().write(due.bytes());
                            to.getOutputStream().flush();
                        }
                    } catch (IOException | InterruptedException gone) {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "slow-link-write");
    }

    private static void daemon(Runnable work, String name) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyClosed) {
            // Nothing left to close.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(SlowLink::closeQuietly);
    }
}
