package io.mobula.store.codec;

import java.io.Closeable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;

import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.serializer.Serializer;

/**
 * The one serializer every value goes through on its way into the store or onto the wire.
 * <p>
 * Primitive arrays, {@code ByteBuffer} and {@code MemorySegment} skip Fory: their bytes are the
 * encoding. Any other value is a Fory graph, with the runtime's {@link HandleCodec}s writing nested
 * handles. Thread safe; Fory instances are per thread.
 */
public final class ValueCodec {
    private final ThreadSafeFory fory;
    private final ThreadLocal<Consumer<Object>> handleSink = new ThreadLocal<>();

    public ValueCodec(ClassLoader classLoader, List<HandleCodec<?>> handles) {
        this.fory = Fory.builder()
            .withLanguage(Language.JAVA)
            .withRefTracking(true)
            .requireClassRegistration(false)
            .suppressClassRegistrationWarnings(true)
            .withClassLoader(classLoader)
            .withAsyncCompilation(true)
            .buildThreadSafeFory();
        for (HandleCodec<?> handle : handles) {
            register(handle);
        }
    }

    /**
     * Registered as a type as well as a serializer: its class travels as a small id, the same in
     * every codec given the same handles in the same order (every process's). With the serializer
     * alone, a codec that had read a handle wrote its class in another form than a fresh one reads.
     */
    private <T> void register(HandleCodec<T> handle) {
        fory.registerSerializerAndType(handle.type(), resolver -> new HandleSerializer<>(resolver.getConfig(), handle, handleSink));
    }

    /** @return the raw kind of {@code value}, or {@link ValueKind#FORY} when it needs Fory. */
    public static int kindOf(Object value) {
        return switch (value) {
            case byte[] a -> ValueKind.BYTES;
            case double[] a -> ValueKind.DOUBLES;
            case long[] a -> ValueKind.LONGS;
            case int[] a -> ValueKind.INTS;
            case float[] a -> ValueKind.FLOATS;
            case short[] a -> ValueKind.SHORTS;
            case char[] a -> ValueKind.CHARS;
            case boolean[] a -> ValueKind.BOOLEANS;
            case ByteBuffer b -> ValueKind.BYTE_BUFFER;
            case MemorySegment s -> ValueKind.MEMORY_SEGMENT;
            case null, default -> ValueKind.FORY;
        };
    }

    /**
     * Encodes a value. Raw kinds are returned as views of the value itself (no copy).
     *
     * @param handles receives every nested handle met while serializing (may be null).
     * @throws UnserializableValueException when the value or something inside it cannot be serialized.
     */
    public EncodedValue encode(Object value, Consumer<Object> handles) {
        int kind = kindOf(value);
        return switch (kind) {
            case ValueKind.BOOLEANS -> new EncodedValue(kind, booleansToSegment((boolean[]) value));
            case ValueKind.BYTE_BUFFER -> new EncodedValue(kind, MemorySegment.ofBuffer(((ByteBuffer) value).duplicate()));
            case ValueKind.MEMORY_SEGMENT -> new EncodedValue(kind, (MemorySegment) value);
            case ValueKind.FORY -> new EncodedValue(kind, MemorySegment.ofArray(serialize(value, handles)));
            default -> new EncodedValue(kind, heapSegment(value));
        };
    }

    private byte[] serialize(Object value, Consumer<Object> handles) {
        refuseKnownUnserializable(value);
        Consumer<Object> previous = handleSink.get();
        handleSink.set(handles);
        try {
            return fory.serialize(value);
        } catch (UnserializableValueException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            Class<?> type = value.getClass();
            throw new UnserializableValueException(type, type.getName() + " cannot be serialized: " + e.getMessage(), e);
        } finally {
            handleSink.set(previous);
        }
    }

    /**
     * Decodes bytes written by {@link #encode}. Raw arrays are copied out once; {@code ByteBuffer} and
     * {@code MemorySegment} come back as read-only views of {@code data}, valid as long as it is.
     */
    public Object decode(int kind, MemorySegment data) {
        return switch (kind) {
            case ValueKind.FORY -> deserialize(data);
            case ValueKind.BYTES -> data.toArray(ValueLayout.JAVA_BYTE);
            case ValueKind.DOUBLES -> data.toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
            case ValueKind.LONGS -> data.toArray(ValueLayout.JAVA_LONG_UNALIGNED);
            case ValueKind.INTS -> data.toArray(ValueLayout.JAVA_INT_UNALIGNED);
            case ValueKind.FLOATS -> data.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            case ValueKind.SHORTS -> data.toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
            case ValueKind.CHARS -> data.toArray(ValueLayout.JAVA_CHAR_UNALIGNED);
            case ValueKind.BOOLEANS -> segmentToBooleans(data);
            case ValueKind.BYTE_BUFFER -> data.asReadOnly().asByteBuffer().order(ByteOrder.nativeOrder());
            case ValueKind.MEMORY_SEGMENT -> data.asReadOnly();
            default -> throw new IllegalArgumentException("unknown value kind " + kind + "; the store holds a value this "
                + "version of Mobula cannot read");
        };
    }

    private Object deserialize(MemorySegment data) {
        if (data.heapBase().orElse(null) instanceof byte[] array && data.address() == 0 && array.length == data.byteSize()) {
            return fory.deserialize(array);
        }
        if (data.isNative()) {
            return fory.deserialize(data.asByteBuffer());
        }
        return fory.deserialize(data.toArray(ValueLayout.JAVA_BYTE));
    }

    private static MemorySegment heapSegment(Object array) {
        return switch (array) {
            case byte[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case float[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            case char[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass().getName());
        };
    }

    private static MemorySegment booleansToSegment(boolean[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] ? (byte) 1 : 0;
        }
        return MemorySegment.ofArray(bytes);
    }

    private static boolean[] segmentToBooleans(MemorySegment data) {
        boolean[] values = new boolean[(int) data.byteSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.get(ValueLayout.JAVA_BYTE, i) != 0;
        }
        return values;
    }

    /**
     * Some objects serialize without error but mean nothing elsewhere: a thread, a stream, a socket.
     * Refuse them by name rather than ship a husk.
     */
    private static void refuseKnownUnserializable(Object value) {
        if (value instanceof Thread || value instanceof ThreadGroup || value instanceof ClassLoader
            || value instanceof Closeable) {
            throw new UnserializableValueException(value.getClass(), value.getClass().getName()
                + " is a live resource (a thread, class loader, stream, socket or channel) and cannot be serialized; "
                + "pass what it reads or names instead", null);
        }
    }

    /** Adapts a {@link HandleCodec} to Fory, reporting each handle written to the current sink. */
    private static final class HandleSerializer<T> extends Serializer<T> {
        private final HandleCodec<T> handle;
        private final ThreadLocal<Consumer<Object>> sink;

        HandleSerializer(org.apache.fory.config.Config config, HandleCodec<T> handle, ThreadLocal<Consumer<Object>> sink) {
            super(config, handle.type());
            this.handle = handle;
            this.sink = sink;
        }

        @Override
        public void write(WriteContext context, T value) {
            Consumer<Object> handles = sink.get();
            if (handles != null) {
                handles.accept(value);
            }
            handle.write(value, new HandleCodec.HandleOutput() {
                @Override
                public void writeLong(long v) {
                    context.writeInt64(v);
                }

                @Override
                public void writeString(String v) {
                    context.writeString(v);
                }
            });
        }

        @Override
        public T read(ReadContext context) {
            return handle.read(new HandleCodec.HandleInput() {
                @Override
                public long readLong() {
                    return context.readInt64();
                }

                @Override
                public String readString() {
                    return context.readString();
                }
            });
        }
    }
}
