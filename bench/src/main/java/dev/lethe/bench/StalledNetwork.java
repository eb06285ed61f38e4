package dev.lethe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy (netcrusher) on a free loopback port in front of one server, for the fault suite: a
 * client given {@link #port} instead of the server's reaches it through the proxy until {@link
 * #stall} stops every byte both ways (connections stay open, nothing is refused: a network that
 * hangs, as a lost route or a full switch buffer does), and {@link #release} lets them go on.
 */
final class StalledNetwork implements AutoCloseable {

    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int port;

    private StalledNetwork(NioReactor reactor, TcpCrusher crusher, int port) {
        this.reactor = reactor;
        this.crusher = crusher;
        this.port = port;
    }

    /**
     * A proxy to the server at {@code host}:{@code port}, open at once (the server may come later).
     */
    static StalledNetwork inFrontOf(String host, int port) {
        try {
            NioReactor reactor = new NioReactor();
            try {
                int local = freePort();
                TcpCrusher crusher =
                        TcpCrusherBuilder.builder()
                                .withReactor(reactor)
                                .withBindAddress("127.0.0.1", local)
                                .withConnectAddress(host, port)
                                .buildAndOpen();
                return new StalledNetwork(reactor, crusher, local);
            } catch (RuntimeException | IOException e) {
                reactor.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open a proxy in front of " + host + ":" + port, e);
        }
    }

    /** A proxy to the HTTP(S) server at {@code target}. */
    static StalledNetwork inFrontOf(URI target) {
        return inFrontOf(target.getHost(), target.getPort());
    }

    /** The loopback port the proxy listens on. */
    int port() {
        return port;
    }

    /** {@code target}'s URL as clients of the proxy use it: its scheme, the proxy's address. */
    URI url(URI target) {
        return URI.create(target.getScheme() + "://127.0.0.1:" + port);
    }

    /** Stops every byte through the proxy, both ways; new connections wait too. */
    void stall() {
        crusher.freeze();
    }

    /** Lets the stalled connections go on. */
    void release() {
        crusher.unfreeze();
    }

    boolean stalled() {
        return crusher.isFrozen();
    }

    @Override
    public void close() {
        try {
            crusher.close();
        } finally {
            reactor.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
