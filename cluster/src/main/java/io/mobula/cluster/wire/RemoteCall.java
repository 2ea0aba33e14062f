package io.mobula.cluster.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.ActorDiedException;
import io.mobula.InfeasibleResourcesException;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskException;
import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.jobs.JobNotKnownException;
import io.mobula.cluster.lending.RefLending;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.ownership.ObjectOnNode;

/**
 * The work a connected driver or a node sends to a node, and the answers, as bytes: a task, an
 * actor's creation, a call on an actor, and an actor's end. Functions travel by class, method and
 * descriptor; arguments and results by value through the store's codec, refs nested inside them as
 * borrowed refs ({@link RefLending}).
 * Arguments stay encoded until the node that runs the work decodes them with its job's classes; a
 * node that passes work on copies them as they came.
 * <pre>
 *   task:          0x01 | job | function | resources | strategy | flags | args
 *   actor create:  0x02 | job | function | resources | strategy | flags | maxRestarts i32 | maxConcurrency i32
 *                  | name UTF (empty: none) | args
 *   actor call:    0x03 | actor id i64 | job | function | args
 *   actor kill:    0x04 | actor id i64
 *     job       = UTF: the job's class path id ({@link JobClassPaths}), empty for the node's own classes
 *     function  = class UTF | method UTF | descriptor UTF
 *     resources = count i32 (-1: the default) | (name UTF, amount f64)*
 *     strategy  = 0 (default) | 1 (spread) | 2 node-id UTF soft bool | 3 group-id UTF bundle i32
 *     flags     = byte: 1 placed (a node already chose this one: run it here, do not pass it on),
 *                 2 isolated (run it, or keep the actor, in a worker process)
 *     args      = count i32 | (kind i32, length i64, bytes)*
 *     an argument that lives in a node's store: kind -1 | object id UTF | kind i32 | size i64 | arena UTF
 *                  | address UTF, read from there by the node that runs the work
 *   answer:        0x00 | kind | length | bytes          (the result)
 *                  0x01 | class | message | stack trace  (what failed)
 *                  0x02 | object id UTF | kind i32 | size i64 | arena UTF | address UTF
 *                                                        (a large result, kept in the node's store for its owner)
 * </pre>
 */
public final class RemoteCall {
    public static final byte TASK = 1;
    public static final byte ACTOR_CREATE = 2;
    public static final byte ACTOR_CALL = 3;
    public static final byte ACTOR_KILL = 4;
    /** The most bytes one call or answer may take: an Aeron message on the default 16 MiB term, less a margin. */
    public static final int MAX_BYTES = (2 << 20) - 4096;
    private static final byte OK = 0;
    private static final byte FAILED = 1;
    /** An answer that is a {@link NodeObject}: the result stays in the node's store. */
    private static final byte STAYED = 2;
    /** The kind of an argument that is a {@link NodeObject}: taken from where it lives. */
    private static final int NODE_OBJECT_KIND = -1;

    /** The node's own classes' codec, for values that carry no refs (a ref nested in one is refused). */
    public static final ValueCodec CODEC = codecFor(RemoteCall.class.getClassLoader(), null);

    /**
     * Arguments and results cross by value, read with {@code loader}'s classes; a ref nested inside
     * one crosses through {@code crossing} (lent by the writer, borrowed by the reader), or is
     * refused where there is none.
     */
    @SuppressWarnings("rawtypes")
    public static ValueCodec codecFor(ClassLoader loader, RefCrossing crossing) {
        ValueCodec[] self = new ValueCodec[1];
        self[0] = new ValueCodec(loader, List.of(new HandleCodec<ObjectRef>() {
            @Override
            public Class<ObjectRef> type() {
                return ObjectRef.class;
            }

            @Override
            public void write(ObjectRef value, HandleOutput out) {
                if (crossing == null) {
                    throw new UnsupportedOperationException("a ref nested inside this value cannot cross between processes "
                        + "here; pass the ref itself as an argument (it is resolved first), or its value");
                }
                crossing.lend(value, out, self[0]);
            }

            @Override
            public ObjectRef read(HandleInput in) {
                if (crossing == null) {
                    throw new UnsupportedOperationException("a ref nested inside this value cannot be read back here");
                }
                return crossing.borrow(in, self[0]);
            }
        }));
        return self[0];
    }

    /**
     * A call. {@code requested} is null for the default request; {@code actorId} is set for actor
     * calls and kills; {@code detached}, {@code maxRestarts}/{@code maxConcurrency} for creations, and {@code restarts}: how
     * many times the actor was built before (its owner builds it again when its node dies). {@code encodedArgs}
     * holds the arguments as they travel (count, then each value).
     */
    public record Call(byte kind, String job, String className, String methodName, String signature, Map<String, Double> requested,
                SchedulingStrategy strategy, boolean placed, boolean isolated, boolean detached, long actorId, int maxRestarts,
                int maxConcurrency, int restarts, String actorName, byte[] encodedArgs) {
        public String displayName() {
            int dot = className.lastIndexOf('.');
            return className.substring(dot + 1).replace('$', '.') + ("<init>".equals(methodName) ? "::new" : "." + methodName);
        }

        /** The same call, marked as placed (a node passing it to the node it chose). */
        public Call placedHere() {
            return new Call(kind, job, className, methodName, signature, requested, strategy, true, isolated, detached, actorId,
                maxRestarts, maxConcurrency, restarts, actorName, encodedArgs);
        }

        /** The same call, placed into bundle {@code index} of its placement group. */
        public Call inBundle(int index) {
            SchedulingStrategy.PlacementGroupBundle bundle = (SchedulingStrategy.PlacementGroupBundle) strategy;
            return new Call(kind, job, className, methodName, signature, requested,
                new SchedulingStrategy.PlacementGroupBundle(bundle.groupId(), index), true, isolated, detached, actorId, maxRestarts,
                maxConcurrency, restarts, actorName, encodedArgs);
        }

        /** The same call with its arguments encoded anew (some were made again and live elsewhere now). */
        public Call withArgs(Object[] args, ValueCodec codec) {
            return new Call(kind, job, className, methodName, signature, requested, strategy, placed, isolated, detached,
                actorId, maxRestarts, maxConcurrency, restarts, actorName, encodeArgs(args, codec));
        }

        /** The arguments, read with {@code codec} (the job's classes); those living in a store, by {@code objects}. */
        public Object[] args(ValueCodec codec, java.util.function.Function<NodeObject, Object> objects) throws IOException {
            Cursor cursor = new Cursor(encodedArgs, 0);
            DataInputStream in = new DataInputStream(cursor);
            int count = in.readInt();
            if (count < 0 || count > 255) {
                throw new IOException("a call with " + count + " arguments");
            }
            Object[] args = new Object[count];
            for (int i = 0; i < count; i++) {
                args[i] = readValue(in, cursor, codec, objects);
            }
            return args;
        }

        /** The arguments that live in a node's store, without reading any value. */
        public List<NodeObject> nodeObjects() throws IOException {
            List<NodeObject> found = new java.util.ArrayList<>();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encodedArgs))) {
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    int kind = in.readInt();
                    if (kind == NODE_OBJECT_KIND) {
                        found.add(NodeObject.read(in));
                    } else {
                        in.skipNBytes(in.readLong());
                    }
                }
            }
            return found;
        }
    }

    private RemoteCall() {
    }

    public static Call task(String job, String className, String methodName, String signature, Map<String, Double> requested,
                     SchedulingStrategy strategy, boolean isolated, Object[] args, ValueCodec codec) {
        return new Call(TASK, job, className, methodName, signature, requested, strategy, false, isolated, false, 0, 0, 0, 0, "",
            encodeArgs(args, codec));
    }

    public static Call actorCreation(String job, String className, String methodName, String signature,
                              Map<String, Double> requested, SchedulingStrategy strategy, boolean isolated, int maxRestarts,
                              int maxConcurrency, int restarts, boolean detached, String name, Object[] args,
                              ValueCodec codec) {
        return new Call(ACTOR_CREATE, job, className, methodName, signature, requested, strategy, false, isolated, detached, 0,
            maxRestarts, maxConcurrency, restarts, name == null ? "" : name, encodeArgs(args, codec));
    }

    public static Call actorCall(String job, long actorId, String className, String methodName, String signature, Object[] args,
                          ValueCodec codec) {
        return new Call(ACTOR_CALL, job, className, methodName, signature, null, SchedulingStrategy.defaultStrategy(), true,
            false, false, actorId, 0, 0, 0, "", encodeArgs(args, codec));
    }

    public static byte[] actorKill(long actorId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(ACTOR_KILL);
            out.writeLong(actorId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encodeArgs(Object[] args, ValueCodec codec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(args.length);
            for (Object arg : args) {
                writeValue(out, arg, codec);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] encode(Call call) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + call.encodedArgs().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(call.kind());
            if (call.kind() == ACTOR_CALL) {
                out.writeLong(call.actorId());
            }
            out.writeUTF(call.job());
            out.writeUTF(call.className());
            out.writeUTF(call.methodName());
            out.writeUTF(call.signature());
            if (call.kind() != ACTOR_CALL) {
                writeResources(out, call.requested());
                writeStrategy(out, call.strategy());
                out.writeByte((call.placed() ? 1 : 0) | (call.isolated() ? 2 : 0) | (call.detached() ? 4 : 0));
            }
            if (call.kind() == ACTOR_CREATE) {
                out.writeInt(call.maxRestarts());
                out.writeInt(call.maxConcurrency());
                out.writeUTF(call.actorName());
                out.writeInt(call.restarts());
            }
            out.write(call.encodedArgs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException for anything that is not a well-formed call. */
    public static Call decode(byte[] payload) throws IOException {
        Cursor cursor = new Cursor(payload, 0);
        try (DataInputStream in = new DataInputStream(cursor)) {
            byte kind = in.readByte();
            if (kind == ACTOR_KILL) {
                return new Call(kind, "", "", "", "", null, SchedulingStrategy.defaultStrategy(), true, false, false, in.readLong(), 0,
                    0, 0, "", new byte[0]);
            }
            if (kind != TASK && kind != ACTOR_CREATE && kind != ACTOR_CALL) {
                throw new IOException("not a call (kind " + kind + ")");
            }
            long actorId = kind == ACTOR_CALL ? in.readLong() : 0;
            String job = in.readUTF();
            String className = in.readUTF();
            String methodName = in.readUTF();
            String signature = in.readUTF();
            Map<String, Double> requested = null;
            SchedulingStrategy strategy = SchedulingStrategy.defaultStrategy();
            boolean placed = true;
            boolean isolated = false;
            boolean detached = false;
            if (kind != ACTOR_CALL) {
                requested = readResources(in);
                strategy = readStrategy(in);
                int flags = in.readByte();
                placed = (flags & 1) != 0;
                isolated = (flags & 2) != 0;
                detached = (flags & 4) != 0;
            }
            int maxRestarts = kind == ACTOR_CREATE ? in.readInt() : 0;
            int maxConcurrency = kind == ACTOR_CREATE ? in.readInt() : 0;
            String actorName = kind == ACTOR_CREATE ? in.readUTF() : "";
            int restarts = kind == ACTOR_CREATE ? in.readInt() : 0;
            return new Call(kind, job, className, methodName, signature, requested, strategy, placed, isolated, detached,
                actorId, maxRestarts, maxConcurrency, restarts, actorName, cursor.rest());
        }
    }

    private static void writeResources(DataOutputStream out, Map<String, Double> requested) throws IOException {
        if (requested == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(requested.size());
        for (Map.Entry<String, Double> e : requested.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    private static Map<String, Double> readResources(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count == -1) {
            return null;
        }
        if (count < 0 || count > 1024) {
            throw new IOException("a request of " + count + " resources");
        }
        Map<String, Double> requested = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            requested.put(in.readUTF(), in.readDouble());
        }
        return requested;
    }

    private static void writeStrategy(DataOutputStream out, SchedulingStrategy strategy) throws IOException {
        switch (strategy) {
            case SchedulingStrategy.Default d -> out.writeByte(0);
            case SchedulingStrategy.Spread s -> out.writeByte(1);
            case SchedulingStrategy.NodeAffinity a -> {
                out.writeByte(2);
                out.writeUTF(a.nodeId());
                out.writeBoolean(a.soft());
            }
            case SchedulingStrategy.PlacementGroupBundle b -> {
                out.writeByte(3);
                out.writeUTF(b.groupId());
                out.writeInt(b.bundleIndex());
            }
        }
    }

    private static SchedulingStrategy readStrategy(DataInputStream in) throws IOException {
        return switch (in.readByte()) {
            case 0 -> SchedulingStrategy.defaultStrategy();
            case 1 -> SchedulingStrategy.spread();
            case 2 -> SchedulingStrategy.nodeAffinity(in.readUTF(), in.readBoolean());
            case 3 -> new SchedulingStrategy.PlacementGroupBundle(in.readUTF(), in.readInt());
            default -> throw new IOException("an unknown scheduling strategy");
        };
    }

    public static byte[] encodeResult(Object value) {
        return encodeResult(value, CODEC);
    }

    public static byte[] encodeResult(Object value, ValueCodec codec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(OK);
            writeValue(out, value, codec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] encodeFailure(String className, String message, String stackTrace) {
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

    public static byte[] encodeFailure(Throwable error) {
        java.io.StringWriter trace = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(trace));
        return encodeFailure(error.getClass().getName(), error.getMessage(), trace.toString());
    }

    /**
     * @throws TaskException               what the function threw on the node.
     * @throws ActorDiedException          the actor called is gone.
     * @throws InfeasibleResourcesException no node of the cluster could ever run it.
     */
    public static Object decodeAnswer(byte[] answer, String functionName) throws IOException {
        return decodeAnswer(answer, functionName, CODEC);
    }

    /** An answer whose value is read with {@code codec} (refs nested in it borrowed through the codec's crossing). */
    public static Object decodeAnswer(byte[] answer, String functionName, ValueCodec codec) throws IOException {
        Cursor cursor = new Cursor(answer, 0);
        try (DataInputStream in = new DataInputStream(cursor)) {
            byte status = in.readByte();
            if (status == OK) {
                return readValue(in, cursor, codec, object -> object);
            }
            if (status == STAYED) {
                return NodeObject.read(in);
            }
            String className = in.readUTF();
            String message = in.readUTF();
            String trace = in.readUTF();
            if (className.equals(ActorDiedException.class.getName())) {
                throw new ActorDiedException(message);
            }
            if (className.equals(InfeasibleResourcesException.class.getName())) {
                throw new InfeasibleResourcesException(message);
            }
            if (className.equals(io.mobula.NodeDiedException.class.getName())) {
                throw new io.mobula.NodeDiedException(message);
            }
            if (className.equals(JobNotKnownException.class.getName())) {
                throw new JobNotKnownException(message);
            }
            if (className.equals(io.mobula.OwnerDiedException.class.getName())) {
                throw new io.mobula.OwnerDiedException(message);
            }
            if (className.equals(io.mobula.ObjectLostException.class.getName())) {
                throw new io.mobula.ObjectLostException(message);
            }
            throw new TaskException(functionName, className, message.isEmpty() ? null : message, trace);
        }
    }

    /** Whether an answer is a failure (what the node could not do, or what the work threw). */
    public static boolean isFailure(byte[] answer) {
        return answer.length > 0 && answer[0] == FAILED;
    }

    /** Whether an answer says a result stayed in a node's store. */
    public static boolean isStayed(byte[] answer) {
        return answer.length > 0 && answer[0] == STAYED;
    }

    /** The answer for a large result kept in the node's store: where it lives. */
    public static byte[] encodeStayed(NodeObject object) {
        return WireBytes.of(out -> {
            out.writeByte(STAYED);
            object.write(out);
        });
    }

    private static void writeValue(DataOutputStream out, Object value, ValueCodec codec) throws IOException {
        if (value instanceof ObjectOnNode remote) {
            if (!remote.isInline()) {
                out.writeInt(NODE_OBJECT_KIND);
                remote.object().write(out);
                return;
            }
            value = remote.inlineValue(); // rebuilt small: it travels in the call
        } else if (value instanceof io.mobula.runtime.RemoteValue borrowed) {
            value = borrowed.read(); // a borrowed object passed as an argument: its value, asked of its owner
        }
        EncodedValue encoded = codec.encode(value, null);
        out.writeInt(encoded.kind());
        out.writeLong(encoded.size());
        MemorySegment bytes = encoded.bytes();
        if (bytes.heapBase().orElse(null) instanceof byte[] array && bytes.address() == 0 && bytes.byteSize() == array.length) {
            out.write(array); // a value encoded into an array of its own: written as it is, not copied first
        } else {
            out.write(encoded.toByteArray());
        }
    }

    /** Decodes a value straight from the message's bytes (no copy of them first); one living in a store, by {@code objects}. */
    private static Object readValue(DataInputStream in, Cursor cursor, ValueCodec codec,
                                    java.util.function.Function<NodeObject, Object> objects) throws IOException {
        int kind = in.readInt();
        if (kind == NODE_OBJECT_KIND) {
            return objects.apply(NodeObject.read(in));
        }
        long length = in.readLong();
        if (length < 0 || length > cursor.available()) {
            throw new IOException("a value of " + length + " bytes where " + cursor.available() + " are left");
        }
        MemorySegment bytes = MemorySegment.ofArray(cursor.array()).asSlice(cursor.position(), length);
        cursor.skip(length);
        return codec.decode(kind, bytes);
    }

    /** A read position in a message's bytes, for reading values in place. */
    private static final class Cursor extends ByteArrayInputStream {
        Cursor(byte[] bytes, int offset) {
            super(bytes, offset, bytes.length - offset);
        }

        byte[] array() {
            return buf;
        }

        int position() {
            return pos;
        }

        /** What is left, copied (one exact copy, where {@code readAllBytes} grows buffers). */
        byte[] rest() {
            byte[] rest = java.util.Arrays.copyOfRange(buf, pos, count);
            pos = count;
            return rest;
        }
    }

}
