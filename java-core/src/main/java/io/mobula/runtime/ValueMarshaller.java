package io.mobula.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.mobula.ActorHandle;
import io.mobula.MobulaException;
import io.mobula.ObjectRef;
import io.mobula.UnserializableArgumentException;
import io.mobula.naming.FunctionDescriptor;
import io.mobula.spi.DeviceResident;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.StoreFolderFullException;
import io.mobula.store.ObjectView;
import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.UnserializableValueException;
import io.mobula.store.codec.ValueCodec;
import io.mobula.store.codec.ValueKind;

/**
 * Turns values into what an {@link ObjectEntry} holds and back: immutable values as themselves,
 * small ones encoded inline, large ones written once into the object store (freed when the value is
 * no longer referenced). Thread safe.
 */
public final class ValueMarshaller {
    private final ValueCodec codec;
    private final ObjectStore store;
    private final long inlineThresholdBytes;
    private final Cleaner cleaner;
    private final Supplier<ObjectId> ids;

    public ValueMarshaller(ValueCodec codec, ObjectStore store, long inlineThresholdBytes, Cleaner cleaner,
                           Supplier<ObjectId> ids) {
        this.ids = ids;
        this.codec = codec;
        this.store = store;
        this.inlineThresholdBytes = inlineThresholdBytes;
        this.cleaner = cleaner;
    }

    /**
     * Where large values go instead of this node's store: a connected driver keeps them in the
     * store of the node it is connected to, so work anywhere takes them from there.
     */
    public interface LargeValues {
        /** Stores an encoded value elsewhere. @return its stored form here (a {@link RemoteValue}). */
        RemoteValue store(ObjectId id, EncodedValue encoded);
    }

    private volatile LargeValues elsewhere;

    /** From now on, large values (without refs nested in them) go to {@code elsewhere}. */
    void storeLargeValuesIn(LargeValues elsewhere) {
        this.elsewhere = elsewhere;
    }

    /** @return true for values that cannot change, passed and stored as themselves. */
    public static boolean isImmutable(Object value) {
        Class<?> c = value.getClass();
        return c == String.class || c == Integer.class || c == Long.class || c == Double.class || c == Boolean.class
            || c == ObjectRef.class || c == ActorHandle.class || c == Float.class || c == Short.class
            || c == Byte.class || c == Character.class || c == BigInteger.class || c == BigDecimal.class
            || value instanceof Enum<?>;
    }

    /**
     * Encodes a value for an entry.
     *
     * @param id the entry's id, used if the value is large enough to go into the store; null to
     *           draw a fresh one then (an argument passed by value).
     * @throws io.mobula.store.codec.UnserializableValueException if it cannot be serialized.
     */
    public Object marshal(Object value, ObjectId id) {
        if (value == null) {
            return StoredValues.NULL;
        }
        if (isImmutable(value) || value instanceof RemoteValue) {
            return value; // a remote value is held as where it lives
        }
        if (value instanceof DeviceResident onDevice) {
            return new StoredValues.OnDevice(onDevice); // stays on its device until read elsewhere
        }
        NestedHandles nested = new NestedHandles();
        EncodedValue encoded = codec.encode(value, nested);
        Object[] contained = nested.toArray();
        if (encoded.size() <= inlineThresholdBytes) {
            return new StoredValues.Inline(encoded.kind(), encoded.toByteArray(), contained);
        }
        if (id == null) {
            id = ids.get();
        }
        if (elsewhere != null && contained == null) {
            return elsewhere.store(id, encoded); // a connected driver's large values live in its node's store
        }
        ObjectBuilder builder = store.create(id, encoded.size(), encoded.kind());
        try {
            MemorySegment.copy(encoded.bytes(), 0, builder.data(), 0, encoded.size());
        } catch (RuntimeException e) {
            builder.abort();
            throw e;
        } catch (InternalError e) {
            throw faultWhileFilling(builder, e);
        }
        builder.seal();
        StoredValues.InStore inStore = new StoredValues.InStore(id, encoded.kind(), encoded.size(), contained);
        cleaner.register(inStore, new Delete(store, id));
        return inStore;
    }

    /**
     * Decodes what an entry holds into the value a caller gets.
     *
     * @throws MobulaException the stored error, if the entry holds a failure.
     */
    public Object unmarshal(Object stored) {
        if (stored == StoredValues.NULL) {
            return null;
        }
        if (stored instanceof StoredValues.Inline inline) {
            return codec.decode(inline.kind(), MemorySegment.ofArray(inline.bytes()));
        }
        if (stored instanceof StoredValues.InStore inStore) {
            return readFromStore(inStore);
        }
        if (stored instanceof StoredValues.Failed failed) {
            throw failed.error();
        }
        if (stored instanceof StoredValues.OnDevice onDevice) {
            return fromDevice(onDevice);
        }
        if (stored instanceof RemoteValue remote) {
            return remote.read();
        }
        return stored;
    }

    /** Same device: the value itself. Another device: a copy there. The host: one host copy, kept. */
    private Object fromDevice(StoredValues.OnDevice onDevice) {
        ExecutionContext context = ExecutionContext.current();
        if (context != null && context.gpuIds.length > 0) {
            return context.holdsGpu(onDevice.value.deviceOrdinal())
                ? onDevice.value : onDevice.value.copyToDevice(context.gpuIds[0]);
        }
        return unmarshal(onDevice.hostCopy(() -> hostForm(onDevice.value)));
    }

    /** A device value's host form, written once: straight from the device into the store when large. */
    private Object hostForm(DeviceResident value) {
        long bytes = value.hostBytes();
        if (bytes <= inlineThresholdBytes) {
            return marshal(value.toHost(), null);
        }
        ObjectId id = ids.get();
        ObjectBuilder builder = store.create(id, bytes, value.hostKind());
        try {
            value.copyToHost(builder.data());
        } catch (RuntimeException e) {
            builder.abort();
            throw e;
        } catch (InternalError e) {
            throw faultWhileFilling(builder, e);
        }
        builder.seal();
        StoredValues.InStore inStore = new StoredValues.InStore(id, value.hostKind(), bytes, null);
        cleaner.register(inStore, new Delete(store, id));
        return inStore;
    }

    /**
     * A write into an object's memory faulted (the JVM turns a SIGBUS in a memory access into an
     * InternalError): a page of the store's file could not be had, its folder full where the store
     * could not reserve the pages first (a kernel without MADV_POPULATE_WRITE). The object is
     * aborted, so its slot is freed, and the put fails typed; the runtime goes on.
     */
    private static StoreFolderFullException faultWhileFilling(ObjectBuilder builder, InternalError fault) {
        builder.abort();
        return new StoreFolderFullException("object " + builder.id() + " could not be written into the object store ("
            + fault.getMessage() + "): the folder its memory lives in is full; free space there, give it more room, or move "
            + "the store (NodeContext.storeDirectory, mobula start --store-dir)", fault);
    }

    private Object readFromStore(StoredValues.InStore inStore) {
        ObjectView view = store.get(inStore.id(), 0);
        if (view == null) {
            throw new MobulaException("object " + inStore.id() + " is missing from the object store although it is "
                + "still referenced; this is a bug in Mobula, please report it");
        }
        try {
            Object value = codec.decode(view.kind(), view.data());
            if (ValueKind.isView(view.kind())) {
                view.retainBytes(value); // the caller reads the store's bytes directly, for as long as it likes
            }
            return value;
        } finally {
            view.close();
            Reference.reachabilityFence(inStore);
        }
    }


    /**
     * Gives back the memory of a stored form now ({@code Mobula.free}) rather than when it is
     * collected: a value in this store is deleted (at once, or when the last view of it handed out
     * is released), one living in another process's store is let go there. Heap forms (inline
     * values, failures) go with the last reference to them.
     */
    void drop(Object stored) {
        if (stored instanceof StoredValues.InStore inStore) {
            store.delete(inStore.id()); // the collector's later delete then finds nothing
        } else if (stored instanceof RemoteValue remote) {
            remote.free();
        } else if (stored instanceof StoredValues.OnDevice onDevice) {
            Object host = onDevice.hostCopyIfMade();
            if (host != null) {
                drop(host);
            }
        }
    }

    /** Collects the entries and actors nested in a value while it is serialized. */
    private static final class NestedHandles implements Consumer<Object> {
        private List<Object> handles;

        @Override
        public void accept(Object handle) {
            if (handles == null) {
                handles = new ArrayList<>(4);
            }
            handles.add(handle instanceof ObjectRef<?> ref ? RuntimeAccess.entryOf(ref) : handle);
        }

        Object[] toArray() {
            return handles == null ? null : handles.toArray();
        }
    }

    /** Deletes a store object once its value is unreachable; holds nothing that keeps it reachable. */
    private record Delete(ObjectStore store, ObjectId id) implements Runnable {
        @Override
        public void run() {
            store.delete(id);
        }
    }

    /**
     * A call's arguments in their stored forms: a ref as its entry, any other value marshalled (copied).
     *
     * @throws UnserializableArgumentException naming the argument that cannot be serialized.
     */
    Object[] marshalArguments(FunctionDescriptor descriptor, Object[] args, int firstParameter) {
        descriptor.checkArguments(args, firstParameter);
        Object[] marshalled = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg instanceof ObjectRef<?> ref) {
                marshalled[i] = RuntimeAccess.entryOf(ref);
                continue;
            }
            try {
                marshalled[i] = marshal(arg, null);
            } catch (UnserializableValueException e) {
                throw new UnserializableArgumentException("argument " + i + " of " + descriptor.displayName() + " ("
                    + arg.getClass().getName() + ") cannot be serialized: " + e.getMessage()
                    + "; pass a serializable value, or create it inside the task", i, e.type(), e);
            }
        }
        return marshalled;
    }
}
