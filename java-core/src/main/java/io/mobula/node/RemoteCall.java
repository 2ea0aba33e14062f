package io.mobula.node;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

import io.mobula.ObjectRef;
import io.mobula.TaskException;
import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;

/**
 * A task call from a connected driver to a node, and its answer, as bytes: the function's class,
 * method and descriptor, and the arguments and the result by value through the store's codec.
 * <pre>
 *   call:   0x01 | class | method | descriptor | count | (kind u32, length u64, bytes)*
 *   answer: 0x00 | kind | length | bytes          (the result)
 *           0x01 | class | message | stack trace  (what the function threw)
 * </pre>
 */
final class RemoteCall {
    static final byte CALL = 1;
    /** The most bytes one call or answer may take: an Aeron message on the default 16 MiB term, less a margin. */
    static final int MAX_BYTES = (2 << 20) - 4096;
    private static final byte OK = 0;
    private static final byte FAILED = 1;

    /** Arguments and results cross by value; a ref nested inside one cannot cross yet. */
    @SuppressWarnings("rawtypes")
    static final ValueCodec CODEC = new ValueCodec(RemoteCall.class.getClassLoader(), List.of(new HandleCodec<ObjectRef>() {
        @Override
        public Class<ObjectRef> type() {
            return ObjectRef.class;
        }

        @Override
        public void write(ObjectRef value, HandleOutput out) {
            throw new UnsupportedOperationException("a ref nested inside an argument cannot cross to a node yet; "
                + "pass the ref itself as the argument (it is resolved first), or its value");
        }

        @Override
        public ObjectRef read(HandleInput in) {
            throw new UnsupportedOperationException("refs do not cross between processes yet");
        }
    }));

    record Call(String className, String methodName, String signature, Object[] args) {
    }

    private RemoteCall() {
    }

    static byte[] encodeCall(String className, String methodName, String signature, Object[] args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(CALL);
            out.writeUTF(className);
            out.writeUTF(methodName);
            out.writeUTF(signature);
            out.writeInt(args.length);
            for (Object arg : args) {
                writeValue(out, arg);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Call decodeCall(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readByte() != CALL) {
                throw new IOException("not a call");
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
                args[i] = readValue(in);
            }
            return new Call(className, methodName, signature, args);
        }
    }

    static byte[] encodeResult(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(OK);
            writeValue(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] encodeFailure(String className, String message, String stackTrace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FAILED);
            out.writeUTF(className);
            out.writeUTF(message == null ? "" : message);
            out.writeUTF(stackTrace.length() > 16_000 ? stackTrace.substring(0, 16_000) : stackTrace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws TaskException what the function threw on the node. */
    static Object decodeAnswer(byte[] answer, String functionName) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer))) {
            byte status = in.readByte();
            if (status == OK) {
                return readValue(in);
            }
            String className = in.readUTF();
            String message = in.readUTF();
            String trace = in.readUTF();
            throw new TaskException(functionName, className, message.isEmpty() ? null : message, trace);
        }
    }

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
        EncodedValue encoded = CODEC.encode(value, null);
        out.writeInt(encoded.kind());
        out.writeLong(encoded.size());
        out.write(encoded.toByteArray());
    }

    private static Object readValue(DataInputStream in) throws IOException {
        int kind = in.readInt();
        long length = in.readLong();
        if (length < 0 || length > Integer.MAX_VALUE - 64) {
            throw new IOException("a value of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes((int) length);
        return CODEC.decode(kind, MemorySegment.ofArray(bytes).asSlice(0, bytes.length));
    }

}
