package io.mobula.cluster.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mobula.PlacementStrategy;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireErrors;
import io.mobula.transport.WireInput;

/**
 * A node's group, job, lend, name, object and status messages: each kind read back as written; cut, padded,
 * newer and randomly flipped ones refused with the typed error and counted.
 */
class NodeMessagesWireTest {
    private final ObjectId id = new ObjectId(0x0123456789ABCDEFL, -2);

    @Test
    void groupMessagesReadBackAsWritten() throws Exception {
        Map<String, Double> first = new LinkedHashMap<>();
        first.put("CPU", 2.0);
        first.put("GPU", 0.5);
        List<Map<String, Double>> bundles = List.of(first, Map.of("CPU", 1.0));
        assertEquals(new GroupMessages.Message(GroupMessages.CREATE, "g1", PlacementStrategy.STRICT_SPREAD, bundles, 0, 0),
            GroupMessages.decode(GroupMessages.create("g1", PlacementStrategy.STRICT_SPREAD, bundles)));
        assertEquals(new GroupMessages.Message(GroupMessages.NODES, "g1", null, List.of(), 0, 250),
            GroupMessages.decode(GroupMessages.nodes("g1", 250)));
        assertEquals(new GroupMessages.Message(GroupMessages.REMOVE, "g1", null, List.of(), 0, 0),
            GroupMessages.decode(GroupMessages.remove("g1")));
        assertEquals(new GroupMessages.Message(GroupMessages.RESERVE, "g1", null, List.of(first), 3, 99),
            GroupMessages.decode(GroupMessages.reserve("g1", 3, first, 99)));
        assertEquals(new GroupMessages.Message(GroupMessages.RELEASE, "g1", null, List.of(), 3, 0),
            GroupMessages.decode(GroupMessages.release("g1", 3)));
    }

    @Test
    void jobMessagesReadBackAsWritten() throws Exception {
        List<JobClassPaths.Jar> jars = List.of(new JobClassPaths.Jar("aa", 10), new JobClassPaths.Jar("bb", 1L << 33));
        byte[] job = JobMessages.job("job-1", "10.0.0.1:7", jars);
        assertEquals(JobMessages.JOB, JobMessages.kind(job));
        assertEquals(new JobMessages.JobRequest("job-1", "10.0.0.1:7", jars), JobMessages.decodeJob(job));
        byte[] piece = JobMessages.jarPiece("aa", 10, 4, new byte[] {1, 2, 3});
        assertEquals(JobMessages.JAR_PIECE, JobMessages.kind(piece));
        JobMessages.JarPiece read = JobMessages.decodeJarPiece(piece);
        assertEquals(List.of("aa", 10L, 4L), List.of(read.sha256(), read.size(), read.offset()));
        assertArrayEquals(new byte[] {1, 2, 3}, read.bytes());
        assertEquals(new JobMessages.JarRead("aa", 4, 3), JobMessages.decodeJarRead(JobMessages.jarRead("aa", 4, 3)));
    }

    @Test
    void lendMessagesReadBackAsWritten() throws Exception {
        LendMessages.Message deposit = LendMessages.decode(LendMessages.deposit(id, "owner", new byte[] {7}));
        assertEquals(List.of(LendMessages.DEPOSIT, id, "owner"), List.of(deposit.kind(), deposit.id(), deposit.text()));
        assertArrayEquals(new byte[] {7}, deposit.answer());
        assertNull(LendMessages.decode(LendMessages.deposit(id, "owner", null)).answer(), "not ready yet");
        assertArrayEquals(new byte[0], LendMessages.decode(LendMessages.ready(id, "owner", new byte[0])).answer());
        assertEquals(LendMessages.BORROW, LendMessages.decode(LendMessages.borrow(id, "o")).kind());
        assertEquals(LendMessages.UNBORROW, LendMessages.decode(LendMessages.unborrow(id, "o")).kind());
        LendMessages.Message read = LendMessages.decode(LendMessages.read(id, "node-1"));
        assertEquals(List.of(LendMessages.READ, "node-1"), List.of(read.kind(), read.text()));
        assertNull(read.answer());
        assertEquals(LendMessages.PROBE, LendMessages.decode(LendMessages.probe(id, "node-1")).kind());
    }

    @Test
    void nameAndObjectMessagesReadBackAsWritten() throws Exception {
        assertEquals(new NameMessages.Message(NameMessages.CLAIM, "a", "ns", "", ""),
            NameMessages.decode(NameMessages.claim("a", "ns")));
        assertEquals(new NameMessages.Message(NameMessages.PLACED, "a", "ns", "p", "C"),
            NameMessages.decode(NameMessages.placed("a", "ns", "p", "C")));
        assertEquals(new NameMessages.Message(NameMessages.LOOKUP, "a", "ns", "", ""),
            NameMessages.decode(NameMessages.lookup("a", "ns")));
        assertEquals(new NameMessages.Message(NameMessages.UNNAME, "a", "ns", "p", ""),
            NameMessages.decode(NameMessages.unname("a", "ns", "p")));
        // a lookup's answers: lives (where, what class), being made, none
        assertEquals(new NameMessages.Message(NameMessages.PLACED, "a", "ns", "3@h:1", "C"),
            NameMessages.decode(NameMessages.found("a", "ns", true, "3@h:1", "C")));
        assertEquals(NameMessages.CLAIM, NameMessages.decode(NameMessages.found("a", "ns", true, "", "")).kind());
        assertEquals(new NameMessages.Message(NameMessages.UNNAME, "a", "ns", "", ""),
            NameMessages.decode(NameMessages.found("a", "ns", false, "", "")));

        ObjectMessages.Message read = ObjectMessages.decode(ObjectMessages.read(id, 5, 6));
        assertEquals(List.of(ObjectMessages.READ, id, 5L, 6), List.of(read.kind(), read.id(), read.offset(), read.length()));
        assertEquals(ObjectMessages.RELEASE, ObjectMessages.decode(ObjectMessages.release(id)).kind());
        ObjectMessages.Message free = ObjectMessages.decode(ObjectMessages.free(id));
        assertEquals(List.of(ObjectMessages.FREE, id), List.of(free.kind(), free.id()));
        ObjectMessages.Message write = ObjectMessages.decode(ObjectMessages.write(id, 3, 10, 8, new byte[] {1, 2}));
        assertEquals(List.of(ObjectMessages.WRITE, 3, 10L, 8L, 2), List.of(write.kind(), write.valueKind(), write.size(),
            write.offset(), write.length()));
        assertArrayEquals(new byte[] {1, 2}, write.bytes());
    }

    @Test
    void statusReadsBackAsWritten() throws Exception {
        assertEquals(true, NodeStatus.isRequest(NodeStatus.request()));
        Map<String, String> head = new LinkedHashMap<>();
        head.put("id", "a1");
        head.put("total.CPU", "4.0");
        List<NodeStatus> statuses = List.of(new NodeStatus(head), new NodeStatus(Map.of("id", "b2", "alive", "false")),
            new NodeStatus(Map.of()));
        assertEquals(statuses, NodeStatus.decodeAll(NodeStatus.encodeAll(statuses)));
    }

    @Test
    void cutPaddedAndNewerMessagesAreRefusedAndCounted() {
        for (byte[] whole : messages()) {
            for (int length = 0; length <= whole.length + 1; length++) {
                if (length == whole.length) {
                    continue;
                }
                byte[] changed = Arrays.copyOf(whole, length);
                long before = WireErrors.count();
                assertThrows(MalformedMessageException.class, () -> decode(whole, changed), "length " + length);
                assertEquals(before + 1, WireErrors.count());
            }
            byte[] newer = whole.clone();
            newer[6] = (byte) (WireInput.SCHEMA_VERSION + 1);
            MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decode(whole, newer));
            assertEquals("header", e.field());
        }
    }

    /** Seeded random byte flips: every message still reads, or is refused with the typed error and counted. */
    @Test
    void randomByteFlipsReadOrAreRefused() {
        Random random = new Random(4);
        List<byte[]> messages = messages();
        for (int i = 0; i < 30_000; i++) {
            byte[] whole = messages.get(random.nextInt(messages.size()));
            byte[] message = whole.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                message[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
            }
            long before = WireErrors.count();
            try {
                decode(whole, message);
                assertEquals(before, WireErrors.count());
            } catch (MalformedMessageException e) {
                assertEquals(before + 1, WireErrors.count());
            }
        }
    }

    private List<byte[]> messages() {
        return List.of(GroupMessages.create("g", PlacementStrategy.PACK, List.of(Map.of("CPU", 1.0), Map.of("GPU", 2.0))),
            GroupMessages.nodes("g", 5), GroupMessages.reserve("g", 1, Map.of("CPU", 1.0), 5), GroupMessages.release("g", 1),
            JobMessages.job("j", "", List.of(new JobClassPaths.Jar("aa", 1))), JobMessages.jarPiece("aa", 3, 0, new byte[] {1}),
            JobMessages.jarRead("aa", 0, 1), LendMessages.deposit(id, "o", new byte[] {1, 2}), LendMessages.deposit(id, "o", null),
            LendMessages.read(id, "n"), NameMessages.placed("a", "ns", "p", "C"), ObjectMessages.read(id, 0, 1),
            ObjectMessages.release(id), ObjectMessages.free(id), ObjectMessages.write(id, 1, 4, 0, new byte[] {1, 2}),
            NodeStatus.encodeAll(List.of(new NodeStatus(Map.of("id", "a", "address", "10.0.0.1:1")), new NodeStatus(Map.of()))));
    }

    /** Decodes {@code message} as the family of {@code original} is decoded by its receiver. */
    private static Object decode(byte[] original, byte[] message) throws MalformedMessageException {
        if (GroupMessages.isGroupMessage(original)) {
            return GroupMessages.decode(message);
        }
        if (LendMessages.isLendMessage(original)) {
            return LendMessages.decode(message);
        }
        if (NameMessages.isNameMessage(original)) {
            return NameMessages.decode(message);
        }
        if (WireInput.templateId(original) == io.mobula.transport.codec.ClusterStatusDecoder.TEMPLATE_ID) {
            return NodeStatus.decodeAll(message);
        }
        if (ObjectMessages.kind(original) != 0) {
            return ObjectMessages.decode(message);
        }
        return switch (JobMessages.kind(original)) {
            case JobMessages.JOB -> JobMessages.decodeJob(message);
            case JobMessages.JAR_PIECE -> JobMessages.decodeJarPiece(message);
            default -> JobMessages.decodeJarRead(message);
        };
    }
}
