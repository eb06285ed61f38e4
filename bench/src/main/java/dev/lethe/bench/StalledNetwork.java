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
 * client given {@link #url} instead of the server's reaches it through the proxy until {@link
 * #stall} stops every byte both ways (connections stay open, nothing is refused: a network that
 * hangs, as a lost route or a full switch buffer does), and {@link #release} lets them go on.
 */
final class StalledNetwork implements AutoCloseable {

    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final URI url;

    private StalledNetwork(NioReactor reactor, TcpCrusher crusher, URI url) {
        this.reactor = reactor;
        this.crusher = crusher;
        this.url = url;
    }

    /** A proxy to the server at {@code target} (its scheme, host and port), open at once. */
    static StalledNetwork inFrontOf(URI target) {
        int port = target.getPort() > 0 ? target.getPort() : 80;
        try {
            NioReactor reactor = new NioReactor();
            try {
                int local = freePort();
                TcpCrusher crusher =
                        TcpCrusherBuilder.builder()
                                .withReactor(reactor)
                                .withBindAddress("127.0.0.1", local)
                                .withConnectAddress(target.getHost(), port)
                                .buildAndOpen();
                URI url = URI.create(target.getScheme() + "://127.0.0.1:" + local);
                return new StalledNetwork(reactor, crusher, url);
            } catch (RuntimeException | IOException e) {
                reactor.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy in front of " + target, e);
        }
    }

    /** The proxied server's URL as clients of the proxy use it. */
    URI url() {
        return url;
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
