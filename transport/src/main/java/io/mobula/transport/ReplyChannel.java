package io.mobula.transport;

import java.util.Locale;
import java.util.Set;

import io.aeron.ChannelUri;

/**
 * The channel a server answers a hello on, made by the server from what the unauthenticated hello
 * named, never taken as given: the answer goes to the address the hello came from, at the port it
 * named (taken as given, the server could be made to send to any address), and of the parameters
 * only socket buffer, receiver window and frame sizes pass, bounded (a {@code term-length=1g} would
 * have the server map a gigabyte per hello). A client must therefore listen on the address it sends
 * from, as {@link AuthClient#connect} does.
 */
final class ReplyChannel {
    /** The largest socket buffer or receiver window a client may ask for its replies. */
    static final long MAX_BUFFER_BYTES = 16L << 20;
    private static final int MAX_MTU = 65_504; // Aeron's largest frame
    private static final Set<String> BUFFER_PARAMS = Set.of("so-sndbuf", "so-rcvbuf", "rcv-wnd");
    private static final String IPC_SOURCE = "aeron:ipc";

    private ReplyChannel() {
    }

    /**
     * @param asked  the reply channel the hello named.
     * @param source where the hello came from: Aeron's source identity of its image ({@code
     *               host:port} for UDP, {@code aeron:ipc} for a local IPC publication).
     * @return the channel to answer on, or null if the hello may not be answered there.
     */
    static String of(String asked, String source) {
        ChannelUri uri;
        try {
            uri = ChannelUri.parse(asked);
        } catch (RuntimeException malformed) {
            return null;
        }
        if ("ipc".equals(uri.media())) {
            return IPC_SOURCE.equals(source) ? "aeron:ipc" : null; // a remote peer cannot ask for a local answer
        }
        if (!"udp".equals(uri.media()) || source == null || IPC_SOURCE.equals(source)) {
            return null;
        }
        String endpoint = uri.get("endpoint");
        int port = endpoint == null ? -1 : port(endpoint);
        if (port < 0 || host(source).isEmpty()) {
            return null;
        }
        StringBuilder made = new StringBuilder("aeron:udp?endpoint=").append(host(source)).append(':').append(port);
        for (String param : BUFFER_PARAMS) {
            String value = uri.get(param);
            if (value != null) {
                long bytes = size(value);
                if (bytes < 0 || bytes > MAX_BUFFER_BYTES) {
                    return null;
                }
                made.append('|').append(param).append('=').append(bytes);
            }
        }
        String mtu = uri.get("mtu");
        if (mtu != null) {
            long bytes = size(mtu);
            if (bytes < 0 || bytes > MAX_MTU) {
                return null;
            }
            made.append("|mtu=").append(bytes);
        }
        return made.toString();
    }

    /** The host of {@code host:port} (an IPv6 literal keeps its brackets, as an endpoint needs them). */
    private static String host(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    private static int port(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        try {
            int port = Integer.parseInt(hostAndPort.substring(colon + 1));
            return port >= 1 && port <= 65_535 ? port : -1;
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** Bytes in {@code 4m}, {@code 512k}, {@code 8192}; -1 if it is none of those. */
    private static long size(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k")) {
            unit = 1L << 10;
        } else if (v.endsWith("m")) {
            unit = 1L << 20;
        } else if (v.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits) * unit;
    }
}
