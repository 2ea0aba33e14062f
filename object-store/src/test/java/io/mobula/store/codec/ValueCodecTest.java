package io.mobula.store.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ValueCodecTest {
    /** A stand-in for a runtime handle: written as one number. */
    record Ticket(long number) {
    }

    private final List<Object> seen = new ArrayList<>();
    private final ValueCodec codec = new ValueCodec(getClass().getClassLoader(), List.of(new HandleCodec<Ticket>() {
        @Override
        public Class<Ticket> type() {
            return Ticket.class;
        }

        @Override
        public void write(Ticket value, HandleOutput out) {
            out.writeLong(value.number());
        }

        @Override
        public Ticket read(HandleInput in) {
            return new Ticket(in.readLong() + 1000);
        }
    }));

    private Object roundTrip(Object value) {
        EncodedValue encoded = codec.encode(value, seen::add);
        // through native memory, as the store holds it
        MemorySegment stored = Arena.ofAuto().allocate(Math.max(1, encoded.size()), 64).asSlice(0, encoded.size());
        MemorySegment.copy(encoded.bytes(), 0, stored, 0, encoded.size());
        return codec.decode(encoded.kind(), stored);
    }

    @Test
    void primitiveArraysAreRawAndExact() {
        double[] doubles = {1.5, -2, Double.NaN};
        assertEquals(ValueKind.DOUBLES, ValueCodec.kindOf(doubles));
        assertEquals(24, codec.encode(doubles, null).size(), "no framing: the bytes are the array");
        assertArrayEquals(doubles, (double[]) roundTrip(doubles));
        assertArrayEquals(new long[] {1, Long.MIN_VALUE}, (long[]) roundTrip(new long[] {1, Long.MIN_VALUE}));
        assertArrayEquals(new int[] {3, 4}, (int[]) roundTrip(new int[] {3, 4}));
        assertArrayEquals(new float[] {0.5f}, (float[]) roundTrip(new float[] {0.5f}));
        assertArrayEquals(new short[] {7}, (short[]) roundTrip(new short[] {7}));
        assertArrayEquals(new char[] {'x'}, (char[]) roundTrip(new char[] {'x'}));
        assertArrayEquals(new byte[] {9, 8}, (byte[]) roundTrip(new byte[] {9, 8}));
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) roundTrip(new boolean[] {true, false}));
    }

    @Test
    void buffersAndSegmentsDecodeAsReadOnlyViews() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16);
        buffer.putLong(0, 77);
        ByteBuffer back = (ByteBuffer) roundTrip(buffer);
        assertTrue(back.isReadOnly());
        assertEquals(16, back.capacity());
        MemorySegment segment = MemorySegment.ofArray(new int[] {5, 6});
        MemorySegment view = (MemorySegment) roundTrip(segment);
        assertTrue(view.isReadOnly());
        assertEquals(6, view.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 1));
    }

    @Test
    void objectGraphsGoThroughForyWithHandlesReported() {
        Map<String, Object> value = new HashMap<>();
        value.put("name", "x");
        value.put("ticket", new Ticket(5));
        value.put("list", List.of(1, 2, 3));
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) roundTrip(value);
        assertEquals("x", back.get("name"));
        assertEquals(new Ticket(1005), back.get("ticket"), "handles are read back through their codec");
        assertEquals(List.of(1, 2, 3), back.get("list"));
        assertEquals(List.of(new Ticket(5)), seen);
    }

    @Test
    void liveResourcesAreRefusedByName() {
        UnserializableValueException e = assertThrows(UnserializableValueException.class,
            () -> codec.encode(new Thread(), null));
        assertEquals(Thread.class, e.type());
        assertTrue(e.getMessage().contains("java.lang.Thread"), e.getMessage());
        assertThrows(UnserializableValueException.class, () -> codec.encode(List.of(new Object[] {new Thread()}), null));
    }

    @Test
    void unknownKindIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> codec.decode(99, MemorySegment.ofArray(new byte[1])));
        assertTrue(e.getMessage().contains("99"));
    }
}
