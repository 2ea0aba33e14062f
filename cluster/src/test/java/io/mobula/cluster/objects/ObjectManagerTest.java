package io.mobula.cluster.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.aeron.Aeron;
import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.store.arena.SharedArenaStore;
import io.mobula.transport.AuthClient;
import io.mobula.transport.AuthenticationException;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/** Object managers on loopback, each with its own store: pulls, deduplication, broadcast and bad peers. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObjectManagerTest {
    private static final long MIB = 1 << 20;

    private final ClusterSecret secret = ClusterSecret.generate();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A node: a store and a manager on loopback, over {@code transport}. */
    private record Node(ObjectStore store, ObjectManager manager) {
    }

    private EmbeddedTransport transport() {
        EmbeddedTransport transport = new EmbeddedTransport();
        open.add(transport);
        return transport;
    }

    private Node node(Aeron aeron, ClusterSecret secret, int maxConcurrentSends) {
        ObjectStore store = new InProcessObjectStore(new StoreContext().capacityBytes(512 * MIB));
        open.add(store);
        ObjectManager manager = new ObjectManager(new ObjectManagerContext().aeron(aeron).store(store).secret(secret)
            .maxConcurrentSends(maxConcurrentSends).requestTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .transferTimeoutNs(TimeUnit.SECONDS.toNanos(60)));
        open.add(manager);
        return new Node(store, manager);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Puts an object of {@code size} bytes with a position-dependent pattern into {@code store}. */
    private static void put(ObjectStore store, ObjectId id, long size) {
        ObjectBuilder builder = store.create(id, size, 2);
        MemorySegment data = builder.data();
        for (long i = 0; i + 8 <= size; i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, (i + id.low()) * 0x9E3779B97F4A7C15L);
        }
        for (long i = size & ~7L; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        builder.seal();
    }

    private static void assertSameBytes(ObjectStore expected, ObjectView actual) {
        try (ObjectView source = expected.get(actual.id(), 0)) {
            assertEquals(source.data().byteSize(), actual.data().byteSize());
            assertEquals(-1, source.data().mismatch(actual.data()), "every byte arrived in place");
            assertEquals(source.kind(), actual.kind());
        }
    }

    private static Throwable failure(CompletableFuture<ObjectView> pull) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> pull.get(60, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static void await(LongSupplier counter, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counter.getAsLong() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(counter.getAsLong() >= atLeast, "counter reached " + counter.getAsLong() + ", expected " + atLeast);
    }

    @Test
    void aPulledObjectArrivesWholeInTheLocalStore() throws Exception {
        Node a = node(transport().aeron(), secret, 2);
        Node b = node(transport().aeron(), secret, 2);
        ObjectId id = new ObjectId(1, 1);
        put(a.store(), id, 48 * MIB + 12345); // not a multiple of the chunk size
        try (ObjectView view = b.manager().pull(id, a.manager().address()).get(60, TimeUnit.SECONDS)) {
            assertSameBytes(a.store(), view);
        }
        assertTrue(b.store().contains(id), "sealed in the puller's store");
        assertEquals(1, a.manager().sendsStarted());
        assertEquals(48 * MIB + 12345, a.manager().bytesSent());
        assertEquals(1, b.manager().transfersCompleted());
        try (ObjectView again = b.manager().pull(id, a.manager().address()).get(10, TimeUnit.SECONDS)) {
            assertSameBytes(a.store(), again);
        }
        assertEquals(1, a.manager().sendsStarted(), "an object already here is not pulled again");
    }

    @Test
    void aPulledObjectLandsInTheNodesSharedArena(@TempDir Path dir) throws Exception {
        Aeron aeron = transport().aeron();
        Node a = node(aeron, secret, 2);
        SharedArenaStore arena = new SharedArenaStore(new StoreContext().capacityBytes(128 * MIB), dir.resolve("b.arena"), 4, false);
        open.add(arena);
        ObjectManager b = new ObjectManager(new ObjectManagerContext().aeron(aeron).store(arena).secret(secret));
        open.add(b);
        ObjectId id = new ObjectId(11, 11);
        long size = 40 * MIB + 7;
        put(a.store(), id, size);
        try (ObjectView view = b.pull(id, a.manager().address()).get(60, TimeUnit.SECONDS)) {
            assertSameBytes(a.store(), view);
            MemorySegment region = arena.dataRegion();
            long at = view.data().address();
            assertTrue(at >= region.address() && at + size <= region.address() + region.byteSize(),
                "the chunks were written into the arena's data region, where every local process maps the object");
        }
    }

    @Test
    void emptyAndSmallObjectsArriveToo() throws Exception {
        Aeron aeron = transport().aeron();
        Node a = node(aeron, secret, 2);
        Node b = node(aeron, secret, 2);
        for (long size : new long[] {0, 1, 100, 8191, 8192}) {
            ObjectId id = new ObjectId(2, size);
            put(a.store(), id, size);
            try (ObjectView view = b.manager().pull(id, a.manager().address()).get(30, TimeUnit.SECONDS)) {
                assertSameBytes(a.store(), view);
            }
        }
    }

    @Test
    void concurrentPullsOfOneObjectShareOneTransfer() throws Exception {
        Node a = node(transport().aeron(), secret, 4);
        Node b = node(transport().aeron(), secret, 4);
        ObjectId id = new ObjectId(3, 3);
        put(a.store(), id, 64 * MIB);
        List<CompletableFuture<ObjectView>> pulls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pulls.add(b.manager().pull(id, a.manager().address()));
        }
        MemorySegment first = null;
        for (CompletableFuture<ObjectView> pull : pulls) {
            try (ObjectView view = pull.get(60, TimeUnit.SECONDS)) {
                assertSameBytes(a.store(), view);
                first = first == null ? view.data() : first;
                assertEquals(first.address(), view.data().address(), "every waiter sees the one sealed object");
            }
        }
        assertEquals(1, b.manager().transfersStarted(), "one transfer for eight callers");
        assertEquals(1, a.manager().sendsStarted(), "the source sent the object once");
        assertEquals(64 * MIB, a.manager().bytesSent());
    }

    @Test
    void aBroadcastFansOutFromNodesThatAlreadyHoldTheObject() throws Exception {
        // One media driver for all five nodes: on a 2-core machine five drivers' threads would
        // measure the scheduler. Each node still has its own UDP endpoint and store.
        Aeron aeron = transport().aeron();
        Node source = node(aeron, secret, 1);
        List<Node> receivers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            receivers.add(node(aeron, secret, 1));
        }
        ObjectId id = new ObjectId(4, 4);
        long size = 32 * MIB;
        put(source.store(), id, size);
        List<CompletableFuture<ObjectView>> pulls = new ArrayList<>();
        for (Node receiver : receivers) {
            pulls.add(receiver.manager().pull(id, source.manager().address()));
        }
        for (CompletableFuture<ObjectView> pull : pulls) {
            try (ObjectView view = pull.get(60, TimeUnit.SECONDS)) {
                assertSameBytes(source.store(), view);
            }
        }
        long sentByReceivers = receivers.stream().mapToLong(r -> r.manager().sendsStarted()).sum();
        assertTrue(source.manager().sendsStarted() < 4, "the source sent " + source.manager().sendsStarted()
            + " times for 4 receivers");
        assertTrue(source.manager().redirects() > 0, "pullers were redirected to holders");
        assertEquals(4, source.manager().sendsStarted() + sentByReceivers, "each receiver got exactly one transfer");
        assertTrue(source.manager().bytesSent() < 4 * size);
        for (Node receiver : receivers) {
            assertEquals(1, receiver.manager().transfersCompleted());
        }
    }

    @Test
    void pullingAnObjectTheSourceDoesNotHoldFailsNamingObjectAndNode() throws Exception {
        Node a = node(transport().aeron(), secret, 2);
        Node b = node(transport().aeron(), secret, 2);
        ObjectId id = new ObjectId(5, 5);
        Throwable cause = failure(b.manager().pull(id, a.manager().address()));
        ObjectNotFoundException missing = assertInstanceOf(ObjectNotFoundException.class, cause);
        assertEquals(id, missing.objectId());
        assertEquals(List.of(a.manager().address()), missing.nodes());
        assertTrue(missing.getMessage().contains(id.toString()) && missing.getMessage().contains(a.manager().address()),
            missing.getMessage());
        assertEquals(1, a.manager().missingAnswers());
        assertTrue(!b.store().contains(id));
    }

    @Test
    void aNodeWithAnotherSecretIsRefusedAndServedNothing() throws Exception {
        Node a = node(transport().aeron(), secret, 2);
        Node stranger = node(transport().aeron(), ClusterSecret.generate(), 2);
        ObjectId id = new ObjectId(6, 6);
        put(a.store(), id, MIB);
        Throwable cause = failure(stranger.manager().pull(id, a.manager().address()));
        ObjectTransferException refused = assertInstanceOf(ObjectTransferException.class, cause);
        assertInstanceOf(AuthenticationException.class, refused.getCause(), refused.getMessage());
        assertTrue(refused.getMessage().contains(a.manager().address()), refused.getMessage());
        assertEquals(1, a.manager().rejectedJoins());
        assertEquals(0, a.manager().sendsStarted());
        assertTrue(!stranger.store().contains(id));
    }

    @Test
    void malformedAndUnauthenticatedRequestsAreDroppedAndCounted() throws Exception {
        Aeron aeron = transport().aeron();
        Node a = node(aeron, secret, 2);
        ObjectId id = new ObjectId(7, 7);
        put(a.store(), id, MIB);
        Duration timeout = Duration.ofSeconds(5);
        Aeron peer = transport().aeron(); // another host's driver: its channels to a's endpoint are its own
        try (AuthClient member = AuthClient.connect(peer, a.manager().address(), ObjectChannels.REQUEST_STREAM, secret, timeout)) {
            for (byte[] junk : List.of(new byte[0], new byte[] {9, 0, 0, 0}, new byte[] {2, 0, 0, 0, 1, 2, 3},
                PullProtocol.locate(id), PullProtocol.send(id, 1, "127.0.0.1:0"))) {
                CompletableFuture<byte[]> answer = member.submit(junk, timeout);
                if (junk.length == 24) { // the one well-formed request: answered
                    assertEquals(PullProtocol.FOUND, PullProtocol.readAnswer(answer.get(10, TimeUnit.SECONDS)).type());
                }
            }
        }
        await(a.manager()::malformedRequests, 4);
        assertEquals(4, a.manager().malformedRequests());
        assertEquals(0, a.manager().sendsStarted(), "nothing was sent to a request that did not parse");

        // A Request frame that never joined: the wire drops it before it reaches the manager.
        try (var publication = peer.addExclusivePublication("aeron:udp?endpoint=" + a.manager().address(), // as connect's
            ObjectChannels.REQUEST_STREAM)) {
            var frame = new org.agrona.ExpandableArrayBuffer(128);
            var header = new io.mobula.transport.codec.MessageHeaderEncoder();
            var request = new io.mobula.transport.codec.RequestEncoder().wrapAndApplyHeader(frame, 0, header);
            byte[] payload = PullProtocol.send(id, 42, "127.0.0.1:9");
            request.sessionId(12345).correlationId(1).putPayload(payload, 0, payload.length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (publication.offer(frame, 0, io.mobula.transport.codec.MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength()) < 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
        await(a.manager()::unauthenticatedRequests, 1);
        assertEquals(0, a.manager().sendsStarted());

        Node b = node(aeron, secret, 2);
        try (ObjectView view = b.manager().pull(id, a.manager().address()).get(30, TimeUnit.SECONDS)) {
            assertSameBytes(a.store(), view); // and the server still serves its members
        }
    }

    @Test
    void chunksOfATransferNobodyAnnouncedAreRefused() throws Exception {
        Node b = node(transport().aeron(), secret, 2);
        Aeron stranger = transport().aeron();
        ObjectId id = new ObjectId(12, 12);
        try (var publication = stranger.addExclusivePublication(ObjectChannels.chunks(b.manager().address()), ObjectChannels.DATA_STREAM)) {
            MemorySegment junk = java.lang.foreign.Arena.ofAuto().allocate(MIB);
            new io.mobula.transport.ChunkSender(publication).send(777, junk, TimeUnit.SECONDS.toNanos(10));
            await(b.manager()::refusedChunks, 1);
        }
        assertEquals(0, b.store().stats().objectCount(), "nothing was written into the store");
        assertTrue(!b.store().contains(id));
    }

    @Test
    void aPullTriesTheNextSourceWhenOneDoesNotHoldTheObject() throws Exception {
        Aeron aeron = transport().aeron();
        Node empty = node(aeron, secret, 2);
        Node holder = node(aeron, secret, 2);
        Node b = node(aeron, secret, 2);
        ObjectId id = new ObjectId(8, 8);
        put(holder.store(), id, 4 * MIB);
        try (ObjectView view = b.manager().pull(id, List.of(empty.manager().address(), holder.manager().address()))
            .get(30, TimeUnit.SECONDS)) {
            assertSameBytes(holder.store(), view);
        }
        assertEquals(0, empty.manager().sendsStarted());
        assertEquals(1, holder.manager().sendsStarted());
    }

    @Test
    void badInputIsRefusedWithClearErrors() {
        Aeron aeron = transport().aeron();
        Node a = node(aeron, secret, 2);
        ObjectId id = new ObjectId(9, 9);
        assertThrows(IllegalArgumentException.class, () -> a.manager().pull(null, "127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class, () -> a.manager().pull(id, List.of()));
        IllegalArgumentException notAnAddress = assertThrows(IllegalArgumentException.class, () -> a.manager().pull(id, "nowhere"));
        assertTrue(notAnAddress.getMessage().contains("HOST:PORT"), notAnAddress.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.manager().pull(id, (String) null));
        IllegalArgumentException incomplete = assertThrows(IllegalArgumentException.class,
            () -> new ObjectManager(new ObjectManagerContext().aeron(aeron)));
        assertTrue(incomplete.getMessage().contains("store") && incomplete.getMessage().contains("secret"), incomplete.getMessage());
        ObjectStore store = new InProcessObjectStore(new StoreContext().capacityBytes(MIB));
        open.add(store);
        assertThrows(IllegalArgumentException.class,
            () -> new ObjectManagerContext().aeron(aeron).store(store).secret(secret).maxConcurrentSends(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new ObjectManagerContext().aeron(aeron).store(store).secret(secret).port(70_000).conclude());
    }

    @Test
    void anObjectTooLargeForThePullerFailsWithTheStoresError() throws Exception {
        Aeron aeron = transport().aeron();
        Node a = node(aeron, secret, 2);
        ObjectStore small = new InProcessObjectStore(new StoreContext().capacityBytes(MIB));
        open.add(small);
        ObjectManager b = new ObjectManager(new ObjectManagerContext().aeron(aeron).store(small).secret(secret));
        open.add(b);
        ObjectId id = new ObjectId(10, 10);
        put(a.store(), id, 2 * MIB);
        Throwable cause = failure(b.pull(id, a.manager().address()));
        assertInstanceOf(io.mobula.store.ObjectTooLargeException.class, cause);
        assertEquals(0, a.manager().sendsStarted());
        assertNotNull(cause.getMessage());
    }
}
