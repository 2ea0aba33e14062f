package io.mobula.cluster.objects;

import io.mobula.transport.AeronChannels;

/**
 * The Aeron channels and streams of the object managers. A node's manager binds one UDP endpoint
 * (HOST:PORT) and every stream it receives shares that socket:
 * <pre>
 *   stream 5101         requests to this node's server (LOCATE, SEND, DONE), authenticated
 *   stream 5102         object chunks this node pulled, from whichever node sends them
 *   streams 5200 + n    answers to this node's n-th connection to another node's server
 * </pre>
 * Every publication and subscription naming an endpoint uses the same socket parameters, because
 * Aeron shares one socket per endpoint in a driver (a node's subscriptions on its own endpoint; a
 * node's publications to another one: requests, answers and chunks) and refuses a channel whose
 * socket parameters differ from the one already open.
 */
final class ObjectChannels {
    static final int REQUEST_STREAM = 5101;
    static final int DATA_STREAM = 5102;
    static final int REPLY_STREAM_BASE = 5200;

    /**
     * Socket buffers and receiver window of 4 MiB: with the defaults (128 KiB) a sender of 8 KiB
     * frames waits on the receiver's status messages and a transfer runs at a fraction of the link.
     */
    private static final String SOCKET_PARAMS = "|so-sndbuf=4m|so-rcvbuf=4m|rcv-wnd=4m";
    /** 8 KiB frames for chunks, as the transport's chunked transfers were measured with (per publication). */
    private static final String CHUNK_PARAMS = "|mtu=8192";

    private ObjectChannels() {
    }

    /** What this node subscribes to (and tells others to answer on): its own endpoint. */
    static String receiving(String endpoint) {
        return "aeron:udp?endpoint=" + endpoint + SOCKET_PARAMS;
    }

    /** Requests to the node at {@code address}. */
    static String requests(String address) {
        return "aeron:udp?endpoint=" + AeronChannels.parseAddress(address) + SOCKET_PARAMS;
    }

    /** Object chunks to the node at {@code address}. */
    static String chunks(String address) {
        return "aeron:udp?endpoint=" + AeronChannels.parseAddress(address) + SOCKET_PARAMS + CHUNK_PARAMS;
    }
}
