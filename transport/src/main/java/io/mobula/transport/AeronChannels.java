package io.mobula.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Names the Aeron channels Mobula uses: IPC between processes on one host, UDP between hosts.
 * Endpoints are checked here, once, so a bad address fails with a clear message at start and not
 * deep inside a media driver.
 */
public final class AeronChannels {
    /** The channel for every process-to-process stream on one host. */
    public static final String IPC = "aeron:ipc";

    private AeronChannels() {
    }

    /**
     * A unicast UDP channel to {@code host:port}.
     *
     * @throws IllegalArgumentException for a port outside 1..65535 or a host that does not resolve.
     */
    public static String udp(String host, int port) {
        return "aeron:udp?endpoint=" + endpoint(host, port);
    }

    /** {@code host:port}, checked; IPv6 literals are bracketed. */
    public static String endpoint(String host, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a UDP endpoint needs a host, such as 127.0.0.1");
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            String literal = address.getHostAddress();
            return (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + port;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' does not resolve; use an IP address or a name "
                + "in /etc/hosts", e);
        }
    }

    /** A UDP port free on this host now, for a channel to bind (taken by asking the OS for one). */
    public static int freeUdpPort() {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (java.net.SocketException e) {
            throw new IllegalStateException("no free UDP port on this host: " + e.getMessage(), e);
        }
    }

    /**
     * This host's address on the route to {@code host}: where a peer there can send answers back
     * (loopback for a loopback peer, the interface's own address for one across a network). The
     * kernel picks it from its routes; no packet is sent.
     */
    public static String localAddressFacing(String host) {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.connect(java.net.InetAddress.getByName(host), 9);
            java.net.InetAddress local = socket.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? "127.0.0.1" : local.getHostAddress();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("no route to " + host + " from this host: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code HOST:PORT} (the form {@code mobula start --address} takes).
     *
     * @throws IllegalArgumentException naming what is wrong with the text.
     */
    public static String parseAddress(String address) {
        if (address == null) {
            throw new IllegalArgumentException("an address is HOST:PORT, got nothing");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("an address is HOST:PORT, got '" + address + "'");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port of '" + address + "' is not a number", e);
        }
        return endpoint(host, port);
    }
}
