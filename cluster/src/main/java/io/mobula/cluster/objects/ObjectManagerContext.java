package io.mobula.cluster.objects;

import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.mobula.store.ObjectStore;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.ClusterSecret;
import org.agrona.ErrorHandler;

/**
 * Configuration of an {@link ObjectManager}: defaults, fluent setters, checked once by
 * {@link #conclude()}. The Aeron client, the store and the secret have no default.
 */
public final class ObjectManagerContext {
    /** The host the manager binds by default: loopback, so nothing listens on the network unless asked. */
    public static final String HOST_DEFAULT = "127.0.0.1";
    /** Sends one node serves at once by default; more pullers are redirected to holders or wait. */
    public static final int MAX_CONCURRENT_SENDS_DEFAULT = 2;
    public static final long REQUEST_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);
    public static final long TRANSFER_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(120);

    private Aeron aeron;
    private ObjectStore store;
    private ClusterSecret secret;
    private String host = HOST_DEFAULT;
    private int port;
    private int maxConcurrentSends = MAX_CONCURRENT_SENDS_DEFAULT;
    private long requestTimeoutNs = REQUEST_TIMEOUT_DEFAULT_NS;
    private long transferTimeoutNs = TRANSFER_TIMEOUT_DEFAULT_NS;
    private ErrorHandler errorHandler = Throwable::printStackTrace;
    private boolean concluded;

    /** The node's Aeron client (its media driver must stay up while the manager runs). */
    public ObjectManagerContext aeron(Aeron aeron) {
        this.aeron = aeron;
        return this;
    }

    public Aeron aeron() {
        return aeron;
    }

    /** The node's store: served objects are read from it, pulled ones are written into it. */
    public ObjectManagerContext store(ObjectStore store) {
        this.store = store;
        return this;
    }

    public ObjectStore store() {
        return store;
    }

    /** The cluster's secret: every request in either direction is authenticated with it. */
    public ObjectManagerContext secret(ClusterSecret secret) {
        this.secret = secret;
        return this;
    }

    public ClusterSecret secret() {
        return secret;
    }

    /**
     * The address other nodes reach this one at, and the one it binds: loopback by default; a node
     * on a network passes its own IP there (not a wildcard: the address is also what this node tells
     * others to send to).
     */
    public ObjectManagerContext host(String host) {
        this.host = host;
        return this;
    }

    public String host() {
        return host;
    }

    /** The UDP port; 0 (the default) takes a free one. */
    public ObjectManagerContext port(int port) {
        this.port = port;
        return this;
    }

    public int port() {
        return port;
    }

    /**
     * How many transfers this node sends at once. A puller beyond that is redirected to nodes known
     * to hold a complete copy, or waits until a send ends.
     */
    public ObjectManagerContext maxConcurrentSends(int maxConcurrentSends) {
        this.maxConcurrentSends = maxConcurrentSends;
        return this;
    }

    public int maxConcurrentSends() {
        return maxConcurrentSends;
    }

    /**
     * How long joining a node, or one request to it, may take. This node's server holds a SEND it
     * cannot serve yet for half of its own value, so give every node of a cluster the same one.
     */
    public ObjectManagerContext requestTimeoutNs(long requestTimeoutNs) {
        this.requestTimeoutNs = requestTimeoutNs;
        return this;
    }

    public long requestTimeoutNs() {
        return requestTimeoutNs;
    }

    /**
     * How long a pull may take from its start until the object is sealed here (waiting for a free
     * source included); also how long a sender waits for its puller to confirm.
     */
    public ObjectManagerContext transferTimeoutNs(long transferTimeoutNs) {
        this.transferTimeoutNs = transferTimeoutNs;
        return this;
    }

    public long transferTimeoutNs() {
        return transferTimeoutNs;
    }

    /**
     * Told of failures no caller waits for: a send to another node that failed or was never
     * confirmed (the puller sees its own side). Prints to standard error by default (a node's log).
     */
    public ObjectManagerContext errorHandler(ErrorHandler errorHandler) {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    /**
     * Checks every value and takes a free port if none was given; call once before use.
     *
     * @throws IllegalArgumentException naming the value that is missing or out of range.
     */
    public ObjectManagerContext conclude() {
        if (concluded) {
            return this;
        }
        if (aeron == null || store == null || secret == null || errorHandler == null) {
            throw new IllegalArgumentException("an object manager needs an Aeron client, a store and the cluster secret; "
                + "missing: " + (aeron == null ? "aeron " : "") + (store == null ? "store " : "") + (secret == null ? "secret " : "") + (errorHandler == null ? "errorHandler" : ""));
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (any free one) or 1..65535, got " + port);
        }
        if (port == 0) {
            port = AeronChannels.freeUdpPort();
        }
        AeronChannels.endpoint(host, port); // a host that does not resolve fails here, named
        if (maxConcurrentSends < 1) {
            throw new IllegalArgumentException("maxConcurrentSends must be >= 1, got " + maxConcurrentSends);
        }
        if (requestTimeoutNs <= 0 || transferTimeoutNs <= 0) {
            throw new IllegalArgumentException("timeouts must be > 0 ns, got request " + requestTimeoutNs
                + ", transfer " + transferTimeoutNs);
        }
        concluded = true;
        return this;
    }
}
