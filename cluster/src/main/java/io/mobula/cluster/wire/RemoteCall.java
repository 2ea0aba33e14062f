package io.mobula.cluster.wire;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.ActorDiedException;
import io.mobula.InfeasibleResourcesException;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskException;
import io.mobula.cluster.jobs.JobNotKnownException;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.ownership.ObjectOnNode;
import io.mobula.store.ObjectId;
import io.mobula.runtime.ConcurrencyGroups;
import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.ArgumentsDecoder;
import io.mobula.transport.codec.ArgumentsEncoder;
import io.mobula.transport.codec.CallDecoder;
import io.mobula.transport.codec.CallEncoder;
import io.mobula.transport.codec.CallFailedDecoder;
import io.mobula.transport.codec.CallFailedEncoder;
import io.mobula.transport.codec.CallKind;
import io.mobula.transport.codec.CallResultDecoder;
import io.mobula.transport.codec.CallResultEncoder;
import io.mobula.transport.codec.CancelCallDecoder;
import io.mobula.transport.codec.CancelCallEncoder;
import io.mobula.transport.codec.ConcurrencyGroupsDecoder;
import io.mobula.transport.codec.ConcurrencyGroupsEncoder;
import io.mobula.transport.codec.StrategyKind;

/**
 * The work a connected driver or a node sends to a node, and the answers, as bytes: a task, an
 * actor's creation, a call on an actor, and an actor's end. Functions travel by class, method and
 * descriptor; arguments and results by value through the store's codec, refs nested inside them as
 * borrowed refs ({@link RefLending}).
 * Arguments stay encoded until the node that runs the work decodes them with its job's classes; a
 * node that passes work on copies them as they came.
 * As the schema's messages:
 * <pre>
 *   Call        kind TASK | ACTOR_CREATE | ACTOR_CALL | ACTOR_KILL | flags | actorId | maxRestarts
 *               | maxConcurrency | restarts | strategy | bundle | taskId | driverJob | resources (amount, name)* | job
 *               | class | method | descriptor | actorName | strategyTarget | args | actorNamespace
 *               | concurrencyGroup (a call's) | concurrencyGroups (a creation's: a ConcurrencyGroups message,
 *               groups (maxConcurrency, name)* then methods (group, class, method, descriptor)*)
 *     taskId    a task's or actor call's id at its owner (its result's), which a CancelCall names
 *     flags     placed (a node already chose this one: run it here, do not pass it on), isolated (run
 *               it, or keep the actor, in a worker process), detached, defaultResources, softAffinity,
 *               killRestarts (a kill that builds the actor again while its restarts allow), generator (a
 *               streaming generator task: answered when it ends, its values read with {@link StreamMessages})
 *     driverJob the job the work belongs to (its driver's, as the runtime context names it); 0: the node's own
 *     job       the job's class path id ({@link JobClassPaths}), empty for the node's own classes
 *     args      an Arguments message: values (kind, value)*; kind -1: a StoredObject message, an
 *               argument that lives in a node's store, read from there by the node that runs the work
 *   answers:    CallResult   kind | value                (the result)
 *               CallFailed   class | message | trace     (what failed)
 *               StoredObject id | kind | size | arena | address | objectManager | holder
 *                                                        (a large result, kept in the node's store for its owner)
 *   CancelCall  taskId | flags (force, recursive)        (answered with a CallResult: found in flight or not)
 * </pre>
 */
public final class RemoteCall {
    /** A call's kind: the values of the schema's {@code CallKind}. */
    public static final byte TASK = 1;
    public static final byte ACTOR_CREATE = 2;
    public static final byte ACTOR_CALL = 3;
    public static final byte ACTOR_KILL = 4;
    /** The most bytes one call or answer may take: an Aeron message on the default 16 MiB term, less a margin. */
    public static final int MAX_BYTES = (2 << 20) - 4096;
    /** The schema version that brought the messages in. */
    private static final int SINCE_VERSION = 5;
    /** The schema version that brought cancels (and the call's task id), and actors' concurrency groups, in. */
    private static final int CANCEL_SINCE_VERSION = 8;
    private static final int GROUPS_SINCE_VERSION = 8;
    /** The task id of a call that has none (a creation, a kill): zero on the wire. */
    private static final ObjectId NO_TASK_ID = new ObjectId(0, 0);
    private static final int MAX_TEXT_BYTES = 65_536;
    private static final int MAX_ARGS = 255;
    private static final int MAX_RESOURCES = 1024;
    private static final int MAX_TRACE_CHARS = 16_000;
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
     * holds the arguments as they travel (count, then each value). {@code jobId}: the job the work
     * belongs to (its driver's), 0 for the node's own.
     */
    public record Call(byte kind, String job, String className, String methodName, String signature, Map<String, Double> requested,
                SchedulingStrategy strategy, boolean placed, boolean isolated, boolean detached, long actorId, int maxRestarts,
                int maxConcurrency, int restarts, String actorName, String actorNamespace, boolean killRestarts,
                String concurrencyGroup, List<ConcurrencyGroups.Declared> concurrencyGroups, byte[] encodedArgs, ObjectId taskId,
                long jobId, boolean generator) {
        /** The same call, of job {@code jobId} (a driver's). */
        public Call forJob(long jobId) {
            return new Call(kind, job, className, methodName, signature, requested, strategy, placed, isolated, detached, actorId,
                maxRestarts, maxConcurrency, restarts, actorName, actorNamespace, killRestarts, concurrencyGroup, concurrencyGroups,
                encodedArgs, taskId, jobId, generator);
        }

        /** The same task, as a streaming generator: its values are read one by one ({@link StreamMessages}). */
        public Call asGenerator() {
            if (kind != TASK || taskId == null) {
                throw new IllegalStateException("only a task with a task id can be a generator: its reads name it");
            }
            return new Call(kind, job, className, methodName, signature, requested, strategy, placed, isolated, detached, actorId,
                maxRestarts, maxConcurrency, restarts, actorName, actorNamespace, killRestarts, concurrencyGroup, concurrencyGroups,
                encodedArgs, taskId, jobId, true);
        }

        public String displayName() {
            int dot = className.lastIndexOf('.');
            return className.substring(dot + 1).replace('$', '.') + ("<init>".equals(methodName) ? "::new" : "." + methodName);
        }

        /** The same call, marked as placed (a node passing it to the node it chose). */
        public Call placedHere() {
            return new Call(kind, job, className, methodName, signature, requested, strategy, true, isolated, detached, actorId,
                maxRestarts, maxConcurrency, restarts, actorName, actorNamespace, killRestarts, concurrencyGroup, concurrencyGroups,
                encodedArgs, taskId, jobId, generator);
        }

        /** The same call, placed into bundle {@code index} of its placement group. */
        public Call inBundle(int index) {
            SchedulingStrategy.PlacementGroupBundle bundle = (SchedulingStrategy.PlacementGroupBundle) strategy;
            return new Call(kind, job, className, methodName, signature, requested,
                new SchedulingStrategy.PlacementGroupBundle(bundle.groupId(), index), true, isolated, detached, actorId, maxRestarts,
                maxConcurrency, restarts, actorName, actorNamespace, killRestarts, concurrencyGroup, concurrencyGroups,
                encodedArgs, taskId, jobId, generator);
        }

        /** The same call with its arguments encoded anew (some were made again and live elsewhere now). */
        public Call withArgs(Object[] args, ValueCodec codec) {
            return new Call(kind, job, className, methodName, signature, requested, strategy, placed, isolated, detached,
                actorId, maxRestarts, maxConcurrency, restarts, actorName, actorNamespace, killRestarts, concurrencyGroup, concurrencyGroups,
                encodeArgs(args, codec), taskId, jobId, generator);
        }

        /** The arguments, read with {@code codec} (the job's classes); those living in a store, by {@code objects}. */
        public Object[] args(ValueCodec codec, java.util.function.Function<NodeObject, Object> objects) throws IOException {
            List<Object> args = new ArrayList<>();
            readArgs(encodedArgs, (kind, in, limit, length) -> args.add(kind == NODE_OBJECT_KIND
                ? objects.apply(NodeObject.decode(slice(in, limit, length)))
                : codec.decode(kind, MemorySegment.ofArray(in.array()).asSlice(WireInput.dataOffset(limit), length))));
            return args.toArray();
        }

        /** The arguments that live in a node's store, without reading any value. */
        public List<NodeObject> nodeObjects() throws IOException {
            List<NodeObject> found = new ArrayList<>();
            readArgs(encodedArgs, (kind, in, limit, length) -> {
                if (kind == NODE_OBJECT_KIND) {
                    found.add(NodeObject.decode(slice(in, limit, length)));
                }
            });
            return found;
        }
    }

    /** One argument as {@link #readArgs} finds it: its value's bytes at {@code limit} of {@code in}. */
    private interface ArgReader {
        void read(int kind, WireInput in, int limit, int length) throws MalformedMessageException;
    }

    private static void readArgs(byte[] encodedArgs, ArgReader reader) throws MalformedMessageException {
        ArgumentsDecoder decoder = new ArgumentsDecoder();
        WireInput in = WireInput.open(encodedArgs, decoder, SINCE_VERSION);
        int count = in.group(decoder.limit(), "values", ArgumentsDecoder.ValuesDecoder.sbeBlockLength(), MAX_ARGS);
        ArgumentsDecoder.ValuesDecoder values = decoder.values();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), values.actingBlockLength(), "values");
            values.next();
            int length = in.data(decoder.limit(), "values.value", MAX_BYTES);
            reader.read(values.kind(), in, decoder.limit(), length);
            values.skipValue();
        }
        in.end(decoder.limit());
    }

    private static byte[] slice(WireInput in, int limit, int length) {
        int from = WireInput.dataOffset(limit);
        return java.util.Arrays.copyOfRange(in.array(), from, from + length);
    }

    private RemoteCall() {
    }

    /** A task no cancel can name (see the overload with a task id). */
    public static Call task(String job, String className, String methodName, String signature, Map<String, Double> requested,
                     SchedulingStrategy strategy, boolean isolated, Object[] args, ValueCodec codec) {
        return task(job, className, methodName, signature, requested, strategy, isolated, args, codec, null);
    }

    /** @param taskId what a cancel names it by (its result's id at its owner), or null: it cannot be cancelled there. */
    public static Call task(String job, String className, String methodName, String signature, Map<String, Double> requested,
                     SchedulingStrategy strategy, boolean isolated, Object[] args, ValueCodec codec, ObjectId taskId) {
        return new Call(TASK, job, className, methodName, signature, requested, strategy, false, isolated, false, 0, 0, 0, 0, "",
            "", false, "", List.of(), encodeArgs(args, codec), taskId, 0, false);
    }

    public static Call actorCreation(String job, String className, String methodName, String signature,
                              Map<String, Double> requested, SchedulingStrategy strategy, boolean isolated, int maxRestarts,
                              int maxConcurrency, int restarts, boolean detached, String name, String namespace,
                              List<ConcurrencyGroups.Declared> groups, Object[] args, ValueCodec codec) {
        return new Call(ACTOR_CREATE, job, className, methodName, signature, requested, strategy, false, isolated, detached, 0,
            maxRestarts, maxConcurrency, restarts, name == null ? "" : name, namespace == null ? "" : namespace, false, "",
            groups, encodeArgs(args, codec), null, 0, false);
    }

    /**
     * @param group  the concurrency group the call runs in; null: its method's, else the default one.
     * @param taskId what a cancel names it by (its result's id at its owner), or null: it cannot be cancelled there.
     */
    public static Call actorCall(String job, long actorId, String className, String methodName, String signature, String group,
                                 Object[] args, ValueCodec codec, ObjectId taskId) {
        return new Call(ACTOR_CALL, job, className, methodName, signature, null, SchedulingStrategy.defaultStrategy(), true,
            false, false, actorId, 0, 0, 0, "", "", false, group == null ? "" : group, List.of(), encodeArgs(args, codec), taskId,
            0, false);
    }

    /** Ends an actor for good; answered true if it lived there. */
    public static byte[] actorKill(long actorId) {
        return actorKill(actorId, false);
    }

    /**
     * Ends an actor; with {@code restart}, kills its instance and builds it again while its restarts
     * allow (answered true if it restarts, false if it was killed for good or not there).
     */
    public static byte[] actorKill(long actorId, boolean restart) {
        return encode(new Call(ACTOR_KILL, "", "", "", "", null, SchedulingStrategy.defaultStrategy(), true, false, false,
            actorId, 0, 0, 0, "", "", restart, "", List.of(), encodeArgs(new Object[0], CODEC), null, 0, false));
    }

    private static byte[] encodeArgs(Object[] args, ValueCodec codec) {
        int[] kinds = new int[args.length];
        byte[][] values = new byte[args.length][];
        int size = 64;
        for (int i = 0; i < args.length; i++) {
            Object value = args[i];
            if (value instanceof ObjectOnNode remote) {
                if (!remote.isInline()) {
                    kinds[i] = NODE_OBJECT_KIND;
                    values[i] = remote.object().encode();
                    size += values[i].length + 8;
                    continue;
                }
                value = remote.inlineValue(); // rebuilt small: it travels in the call
            } else if (value instanceof io.mobula.runtime.RemoteValue borrowed) {
                value = borrowed.read(); // a borrowed object passed as an argument: its value, asked of its owner
            }
            EncodedValue encoded = codec.encode(value, null);
            kinds[i] = encoded.kind();
            values[i] = arrayOf(encoded);
            size += values[i].length + 8;
        }
        WireOutput out = new WireOutput(size);
        ArgumentsEncoder encoder = new ArgumentsEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        ArgumentsEncoder.ValuesEncoder entries = encoder.valuesCount(args.length);
        for (int i = 0; i < args.length; i++) {
            entries.next().kind(kinds[i]).putValue(values[i], 0, values[i].length);
        }
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] encode(Call call) {
        WireOutput out = new WireOutput(256 + call.encodedArgs().length);
        CallEncoder encoder = new CallEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(CallKind.get(call.kind()));
        encoder.flags().clear().placed(call.placed()).isolated(call.isolated()).detached(call.detached())
            .defaultResources(call.requested() == null)
            .softAffinity(call.strategy() instanceof SchedulingStrategy.NodeAffinity a && a.soft())
            .killRestarts(call.killRestarts()).generator(call.generator());
        encoder.actorId(call.actorId()).maxRestarts(call.maxRestarts()).maxConcurrency(call.maxConcurrency())
            .restarts(call.restarts()).driverJob(call.jobId());
        ObjectId taskId = call.taskId() == null ? NO_TASK_ID : call.taskId();
        encoder.taskId().high(taskId.high()).low(taskId.low());
        String target = "";
        switch (call.strategy()) {
            case SchedulingStrategy.Default d -> encoder.strategy(StrategyKind.DEFAULT);
            case SchedulingStrategy.Spread s -> encoder.strategy(StrategyKind.SPREAD);
            case SchedulingStrategy.NodeAffinity a -> {
                encoder.strategy(StrategyKind.NODE_AFFINITY);
                target = a.nodeId();
            }
            case SchedulingStrategy.PlacementGroupBundle b -> {
                encoder.strategy(StrategyKind.PLACEMENT_GROUP_BUNDLE).bundle(b.bundleIndex());
                target = b.groupId();
            }
        }
        Map<String, Double> requested = call.requested() == null ? Map.of() : call.requested();
        CallEncoder.ResourcesEncoder resources = encoder.resourcesCount(requested.size());
        requested.forEach((name, amount) -> resources.next().amount(amount).name(name));
        encoder.job(call.job()).className(call.className()).methodName(call.methodName()).signature(call.signature())
            .actorName(call.actorName()).strategyTarget(target).putArgs(call.encodedArgs(), 0, call.encodedArgs().length)
            .actorNamespace(call.actorNamespace()).concurrencyGroup(call.concurrencyGroup());
        byte[] groups = encodeGroups(call.concurrencyGroups());
        encoder.putConcurrencyGroups(groups, 0, groups.length);
        return out.bytes(encoder.encodedLength());
    }

    /** @throws MalformedMessageException for anything that is not a well-formed call. */
    public static Call decode(byte[] payload) throws MalformedMessageException {
        CallDecoder decoder = new CallDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        short raw = decoder.kindRaw(); // raw: the generated enum lookup throws an untyped error for an unknown value
        if (raw < TASK || raw > ACTOR_KILL) {
            throw in.malformed("kind", "not a call: " + raw);
        }
        byte kind = (byte) raw;
        boolean placed = decoder.flags().placed();
        boolean isolated = decoder.flags().isolated();
        boolean detached = decoder.flags().detached();
        boolean defaultResources = decoder.flags().defaultResources();
        boolean soft = decoder.flags().softAffinity();
        boolean killRestarts = decoder.flags().killRestarts();
        boolean generator = decoder.flags().generator();
        if (generator && (raw != TASK || decoder.taskId().high() == 0 && decoder.taskId().low() == 0)) {
            throw in.malformed("flags", "a generator is a task with a task id, which its reads name");
        }
        long actorId = decoder.actorId();
        int maxRestarts = decoder.maxRestarts();
        int maxConcurrency = decoder.maxConcurrency();
        int restarts = decoder.restarts();
        short strategyKind = decoder.strategyRaw();
        if (strategyKind < 0 || strategyKind > 3) {
            throw in.malformed("strategy", "an unknown scheduling strategy " + strategyKind);
        }
        int bundle = decoder.bundle();
        ObjectId taskId = new ObjectId(decoder.taskId().high(), decoder.taskId().low());
        long jobId = decoder.driverJob();
        int count = in.group(decoder.limit(), "resources", CallDecoder.ResourcesDecoder.sbeBlockLength(), MAX_RESOURCES);
        if (defaultResources && count > 0) {
            throw in.malformed("resources", count + " resources with the default asked for");
        }
        Map<String, Double> requested = defaultResources ? null : new LinkedHashMap<>();
        CallDecoder.ResourcesDecoder resources = decoder.resources();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), resources.actingBlockLength(), "resources");
            resources.next();
            double amount = resources.amount();
            in.data(decoder.limit(), "resources.name", MAX_TEXT_BYTES);
            requested.put(resources.name(), amount);
        }
        in.data(decoder.limit(), "job", MAX_TEXT_BYTES);
        String job = decoder.job();
        in.data(decoder.limit(), "className", MAX_TEXT_BYTES);
        String className = decoder.className();
        in.data(decoder.limit(), "methodName", MAX_TEXT_BYTES);
        String methodName = decoder.methodName();
        in.data(decoder.limit(), "signature", MAX_TEXT_BYTES);
        String signature = decoder.signature();
        in.data(decoder.limit(), "actorName", MAX_TEXT_BYTES);
        String actorName = decoder.actorName();
        in.data(decoder.limit(), "strategyTarget", MAX_TEXT_BYTES);
        String target = decoder.strategyTarget();
        int length = in.data(decoder.limit(), "args", MAX_BYTES);
        byte[] args = new byte[length];
        decoder.getArgs(args, 0, length);
        in.data(decoder.limit(), "actorNamespace", MAX_TEXT_BYTES);
        String actorNamespace = decoder.actorNamespace();
        in.data(decoder.limit(), "concurrencyGroup", MAX_TEXT_BYTES);
        String concurrencyGroup = decoder.concurrencyGroup();
        int groupsLength = in.data(decoder.limit(), "concurrencyGroups", MAX_TEXT_BYTES);
        byte[] groups = new byte[groupsLength];
        decoder.getConcurrencyGroups(groups, 0, groupsLength);
        in.end(decoder.limit());
        List<ConcurrencyGroups.Declared> concurrencyGroups = decodeGroups(groups);
        SchedulingStrategy strategy;
        try {
            strategy = switch (strategyKind) {
                case 1 -> SchedulingStrategy.spread();
                case 2 -> SchedulingStrategy.nodeAffinity(target, soft);
                case 3 -> new SchedulingStrategy.PlacementGroupBundle(target, bundle);
                default -> SchedulingStrategy.defaultStrategy();
            };
        } catch (IllegalArgumentException e) { // the strategy's own checks: an empty node id, a negative bundle
            throw in.malformed("strategyTarget", e.getMessage());
        }
        return new Call(kind, job, className, methodName, signature, requested, strategy, placed, isolated, detached,
            actorId, maxRestarts, maxConcurrency, restarts, actorName, actorNamespace, killRestarts, concurrencyGroup,
            concurrencyGroups, args, taskId.equals(NO_TASK_ID) ? null : taskId, jobId, generator);
    }

    /** A cancel of a call sent before, named by its {@code taskId}. */
    public record Cancel(ObjectId taskId, boolean force, boolean recursive) {
    }

    /** A cancel of the call whose {@code taskId} is {@code taskId}, for the node it was sent to. */
    public static byte[] encodeCancel(Cancel cancel) {
        WireOutput out = new WireOutput(64);
        CancelCallEncoder encoder = new CancelCallEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.taskId().high(cancel.taskId().high()).low(cancel.taskId().low());
        encoder.flags().clear().force(cancel.force()).recursive(cancel.recursive());
        return out.bytes(encoder.encodedLength());
    }

    /** @throws MalformedMessageException for anything that is not a well-formed cancel of a call with an id. */
    public static Cancel decodeCancel(byte[] payload) throws MalformedMessageException {
        CancelCallDecoder decoder = new CancelCallDecoder();
        WireInput in = WireInput.open(payload, decoder, CANCEL_SINCE_VERSION);
        ObjectId taskId = new ObjectId(decoder.taskId().high(), decoder.taskId().low());
        if (taskId.equals(NO_TASK_ID)) {
            throw in.malformed("taskId", "zero names no call");
        }
        boolean force = decoder.flags().force();
        boolean recursive = decoder.flags().recursive();
        in.end(decoder.limit());
        return new Cancel(taskId, force, recursive);
    }

    /** Whether a payload is a cancel of a call. */
    public static boolean isCancel(byte[] payload) {
        return WireInput.templateId(payload) == CancelCallDecoder.TEMPLATE_ID;
    }

    /** A creation's concurrency groups as a {@code ConcurrencyGroups} message; none: no bytes. */
    private static byte[] encodeGroups(List<ConcurrencyGroups.Declared> groups) {
        if (groups.isEmpty()) {
            return new byte[0];
        }
        WireOutput out = new WireOutput(256);
        ConcurrencyGroupsEncoder encoder = new ConcurrencyGroupsEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        ConcurrencyGroupsEncoder.GroupsEncoder entries = encoder.groupsCount(groups.size());
        int methodCount = 0;
        for (ConcurrencyGroups.Declared group : groups) {
            entries.next().maxConcurrency(group.maxConcurrency()).name(group.name());
            methodCount += group.methods().size();
        }
        ConcurrencyGroupsEncoder.MethodsEncoder methods = encoder.methodsCount(methodCount);
        for (int i = 0; i < groups.size(); i++) {
            for (ConcurrencyGroups.Method method : groups.get(i).methods()) {
                methods.next().group(i).className(method.className()).methodName(method.methodName())
                    .signature(method.signature());
            }
        }
        return out.bytes(encoder.encodedLength());
    }

    private static List<ConcurrencyGroups.Declared> decodeGroups(byte[] payload) throws MalformedMessageException {
        if (payload.length == 0) {
            return List.of();
        }
        ConcurrencyGroupsDecoder decoder = new ConcurrencyGroupsDecoder();
        WireInput in = WireInput.open(payload, decoder, GROUPS_SINCE_VERSION);
        int count = in.group(decoder.limit(), "groups", ConcurrencyGroupsDecoder.GroupsDecoder.sbeBlockLength(), MAX_ARGS);
        List<String> names = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        ConcurrencyGroupsDecoder.GroupsDecoder groups = decoder.groups();
        for (int i = 0; i < count; i++) {
            in.entry(decoder.limit(), groups.actingBlockLength(), "groups");
            groups.next();
            sizes.add(groups.maxConcurrency());
            in.data(decoder.limit(), "groups.name", MAX_TEXT_BYTES);
            names.add(groups.name());
        }
        List<List<ConcurrencyGroups.Method>> methodsOf = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            methodsOf.add(new ArrayList<>());
        }
        int methodCount = in.group(decoder.limit(), "methods", ConcurrencyGroupsDecoder.MethodsDecoder.sbeBlockLength(),
            MAX_RESOURCES);
        ConcurrencyGroupsDecoder.MethodsDecoder methods = decoder.methods();
        for (int i = 0; i < methodCount; i++) {
            in.entry(decoder.limit(), methods.actingBlockLength(), "methods");
            methods.next();
            int group = methods.group();
            if (group < 0 || group >= count) {
                throw in.malformed("methods.group", "no group " + group + " of " + count);
            }
            in.data(decoder.limit(), "methods.className", MAX_TEXT_BYTES);
            String className = methods.className();
            in.data(decoder.limit(), "methods.methodName", MAX_TEXT_BYTES);
            String methodName = methods.methodName();
            in.data(decoder.limit(), "methods.signature", MAX_TEXT_BYTES);
            methodsOf.get(group).add(new ConcurrencyGroups.Method(className, methodName, methods.signature()));
        }
        in.end(decoder.limit());
        List<ConcurrencyGroups.Declared> declared = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            declared.add(new ConcurrencyGroups.Declared(names.get(i), sizes.get(i), List.copyOf(methodsOf.get(i))));
        }
        return List.copyOf(declared);
    }

    /** Whether a payload is a call (task, actor creation, actor call or kill). */
    public static boolean isCall(byte[] payload) {
        return WireInput.templateId(payload) == CallDecoder.TEMPLATE_ID;
    }

    public static byte[] encodeResult(Object value) {
        return encodeResult(value, CODEC);
    }

    public static byte[] encodeResult(Object value, ValueCodec codec) {
        EncodedValue encoded = codec.encode(value, null);
        byte[] bytes = arrayOf(encoded);
        WireOutput out = new WireOutput(64 + bytes.length);
        CallResultEncoder encoder = new CallResultEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .kind(encoded.kind()).putValue(bytes, 0, bytes.length);
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] encodeFailure(String className, String message, String stackTrace) {
        WireOutput out = new WireOutput(1024);
        CallFailedEncoder encoder = new CallFailedEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header())
            .className(className).message(message == null ? "" : truncate(message)).stackTrace(truncate(stackTrace));
        return out.bytes(encoder.encodedLength());
    }

    private static String truncate(String text) {
        return text.length() > MAX_TRACE_CHARS ? text.substring(0, MAX_TRACE_CHARS) : text;
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
        int template = WireInput.templateId(answer);
        if (template == CallResultDecoder.TEMPLATE_ID) {
            CallResultDecoder result = new CallResultDecoder();
            WireInput in = WireInput.open(answer, result, SINCE_VERSION);
            int length = in.data(result.limit(), "value", MAX_BYTES);
            // decoded straight from the answer's bytes, no copy of them first
            Object value = codec.decode(result.kind(),
                MemorySegment.ofArray(answer).asSlice(WireInput.dataOffset(result.limit()), length));
            result.skipValue();
            in.end(result.limit());
            return value;
        }
        if (template == io.mobula.transport.codec.StoredObjectDecoder.TEMPLATE_ID) {
            return NodeObject.decode(answer);
        }
        CallFailedDecoder failed = new CallFailedDecoder();
        WireInput in = WireInput.open(answer, failed, SINCE_VERSION);
        in.data(failed.limit(), "className", MAX_TEXT_BYTES);
        String className = failed.className();
        in.data(failed.limit(), "message", 3 * MAX_TRACE_CHARS);
        String message = failed.message();
        in.data(failed.limit(), "stackTrace", 3 * MAX_TRACE_CHARS);
        String trace = failed.stackTrace();
        in.end(failed.limit());
        if (className.equals(io.mobula.ActorUnavailableException.class.getName())) {
            throw new io.mobula.ActorUnavailableException(message); // the actor lives on: only this call is lost
        }
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
        if (className.equals(io.mobula.TaskCancelledException.class.getName())) {
            throw new io.mobula.TaskCancelledException(message);
        }
        throw new TaskException(functionName, className, message.isEmpty() ? null : message, trace);
    }

    /** Whether an answer is a failure (what the node could not do, or what the work threw). */
    public static boolean isFailure(byte[] answer) {
        return WireInput.templateId(answer) == CallFailedDecoder.TEMPLATE_ID;
    }

    /** Whether an answer says a result stayed in a node's store. */
    public static boolean isStayed(byte[] answer) {
        return NodeObject.isStoredObject(answer);
    }

    /** The answer for a large result kept in the node's store: where it lives. */
    public static byte[] encodeStayed(NodeObject object) {
        return object.encode();
    }

    /** A value's bytes as an array: the array it was encoded into when it is exactly that, else a copy. */
    private static byte[] arrayOf(EncodedValue encoded) {
        MemorySegment bytes = encoded.bytes();
        if (bytes.heapBase().orElse(null) instanceof byte[] array && bytes.address() == 0 && bytes.byteSize() == array.length) {
            return array;
        }
        return encoded.toByteArray();
    }
}
