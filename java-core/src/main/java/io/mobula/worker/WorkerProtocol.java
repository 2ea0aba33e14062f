package io.mobula.worker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

import io.mobula.ActorHandle;
import io.mobula.ObjectRef;
import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;

/**
 * The messages between a node and its worker processes, as bytes inside the authenticated
 * requests and responses of the transport. A worker asks for work; the node answers each request
 * with the next thing to run, so one request-response pair carries one result and the next call.
 * <pre>
 *   worker -> node (requests)             node -> worker (responses)
 *     HELLO  | pid u64                      RUN    | call     a task's function
 *     OK     | value                        CREATE | call     an actor's constructor: keep the instance
 *     FAILED | class | message | trace      METHOD | call     a method of the kept instance
 *
 *   call:  class | method | descriptor | count u32 | value*
 *   value: kind u32 | length u64 | bytes  (the store's ValueCodec)
 * </pre>
 * Strings are modified UTF-8 ({@link DataOutputStream#writeUTF}). Every message fits one transport
 * message of at most {@link #MAX_MESSAGE_BYTES}.
 */
public final class WorkerProtocol {
    public static final byte HELLO = 1;
    public static final byte OK = 2;
    public static final byte FAILED = 3;
    public static final byte RUN = 10;
    public static final byte CREATE = 11;
    public static final byte METHOD = 12;

    /**
     * The most bytes a call (with its arguments) or an answer (with its result) may take: one Aeron
     * message on a default IPC term, less a margin. Larger values need the shared arena (not yet).
     */
    public static final int MAX_MESSAGE_BYTES = (2 << 20) - 4096;
    private static final int MAX_TRACE_CHARS = 16_000;

    /** Values cross by copy; refs and handles nested inside them cannot cross (yet). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static ValueCodec codec(ClassLoader loader) {
        return new ValueCodec(loader, List.of(refusing(ObjectRef.class, "an ObjectRef"),
            refusing(ActorHandle.class, "an ActorHandle")));
    }

    private static <T> HandleCodec<T> refusing(Class<T> type, String what) {
        return new HandleCodec<>() {
            @Override
            public Class<T> type() {
                return type;
            }

            @Override
            public void write(T value, HandleOutput out) {
                throw new UnsupportedOperationException(what + " nested inside a value cannot cross to a worker process "
                    + "yet; pass the ref itself as an argument (the node resolves it first), or run the task without "
                    + "isolated()");
            }

            @Override
            public T read(HandleInput in) {
                throw new UnsupportedOperationException(what + " cannot cross between processes yet");
            }
        };
    }

    /** A function call as the worker reads it. */
    record Call(byte type, String className, String methodName, String signature, Object[] args) {
    }

    /** A failure as the node reads it. */
    record Failure(String className, String message, String stackTrace) {
    }

    private WorkerProtocol() {
    }

    static byte[] hello(long pid) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(HELLO);
            out.writeLong(pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static long readHello(byte[] message) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            if (in.readByte() != HELLO) {
                throw new IOException("not a hello");
            }
            return in.readLong();
        }
    }

    static byte[] call(ValueCodec codec, byte type, String className, String methodName, String signature, Object[] args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(type);
            out.writeUTF(className);
            out.writeUTF(methodName);
            out.writeUTF(signature);
            out.writeInt(args.length);
            for (Object arg : args) {
                writeValue(codec, out, arg);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Call readCall(ValueCodec codec, byte[] message) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            byte type = in.readByte();
            if (type != RUN && type != CREATE && type != METHOD) {
                throw new IOException("not a call: type " + type);
            }
            String className = in.readUTF();
            String methodName = in.readUTF();
            String signature = in.readUTF();
            int count = in.readInt();
            if (count < 0 || count > 255) {
                throw new IOException("a call with " + count + " arguments");
            }
            Object[] args = new Object[count];
            for (int i = 0; i < count; i++) {
                args[i] = readValue(codec, in);
            }
            return new Call(type, className, methodName, signature, args);
        }
    }

    static byte[] ok(ValueCodec codec, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(OK);
            writeValue(codec, out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] failed(String className, String message, String stackTrace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FAILED);
            out.writeUTF(className);
            out.writeUTF(message == null ? "" : truncate(message));
            out.writeUTF(truncate(stackTrace));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @return the value of an OK answer, or a {@link Failure} for a FAILED one. */
    static Object readAnswer(ValueCodec codec, byte[] message) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            byte type = in.readByte();
            if (type == OK) {
                return readValue(codec, in);
            }
            if (type != FAILED) {
                throw new IOException("not an answer: type " + type);
            }
            String className = in.readUTF();
            String text = in.readUTF();
            return new Failure(className, text.isEmpty() ? null : text, in.readUTF());
        }
    }

    private static String truncate(String text) {
        return text.length() > MAX_TRACE_CHARS ? text.substring(0, MAX_TRACE_CHARS) : text;
    }

    private static void writeValue(ValueCodec codec, DataOutputStream out, Object value) throws IOException {
        EncodedValue encoded = codec.encode(value, null);
        if (encoded.size() > MAX_MESSAGE_BYTES) {
            throw new ValueTooLargeException(encoded.size());
        }
        out.writeInt(encoded.kind());
        out.writeLong(encoded.size());
        out.write(encoded.toByteArray());
    }

    private static Object readValue(ValueCodec codec, DataInputStream in) throws IOException {
        int kind = in.readInt();
        long length = in.readLong();
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            throw new IOException("a value of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new IOException("a value cut short: " + bytes.length + " of " + length + " bytes");
        }
        return codec.decode(kind, MemorySegment.ofArray(bytes));
    }

    /** A value too large to cross by copy; the caller names which value and what to do. */
    static final class ValueTooLargeException extends RuntimeException {
        final long size;

        ValueTooLargeException(long size) {
            super("a value of " + size + " bytes; at most " + MAX_MESSAGE_BYTES + " cross to or from a worker process",
                null, false, false);
            this.size = size;
        }
    }
}
