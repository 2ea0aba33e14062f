package io.mobula.runtime;

import java.util.function.Supplier;

import io.mobula.MobulaException;
import io.mobula.spi.DeviceResident;
import io.mobula.store.ObjectId;

/**
 * The forms a completed {@link ObjectEntry} holds. Immutable values (strings, boxed primitives,
 * refs, actor handles, enums) are held as themselves; everything else as one of these, so a later
 * {@code get} sees the value as it was when the task returned or {@code put} was called.
 */
public final class StoredValues {
    /** Stands for a {@code null} value, since a null entry value means pending. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private StoredValues() {
    }

    /** A small value kept on the heap in its encoded form ({@code <=} the inline threshold). */
    public record Inline(int kind, byte[] bytes, Object[] contained) {
    }

    /**
     * A large value written into the object store under the entry's id. {@code contained} holds
     * nested refs' entries alive as long as this value is.
     */
    public record InStore(ObjectId id, int kind, long size, Object[] contained) {
    }

    /**
     * A value in a device's memory: handed as it is to tasks on that device, copied to the host
     * once ({@code hostCopy}, a stored form) for anything else that reads it.
     */
    public static final class OnDevice {
        final DeviceResident value;
        private Object hostCopy;

        OnDevice(DeviceResident value) {
            this.value = value;
        }

        /** The host copy if one was made, else null. */
        synchronized Object hostCopyIfMade() {
            return hostCopy;
        }

        synchronized Object hostCopy(Supplier<Object> make) {
            if (hostCopy == null) {
                hostCopy = make.get();
            }
            return hostCopy;
        }
    }

    /** The task failed, was cancelled, or its actor died; {@code get} throws {@code error}. */
    public record Failed(MobulaException error) {
    }
}
