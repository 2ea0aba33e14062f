package io.mobula.runtime;

import io.mobula.ActorHandle;
import io.mobula.InternalAccess;
import io.mobula.ObjectRef;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.HandleCodec;

/**
 * How refs and actor handles nested inside values are written and read back: by id, bound again
 * to this runtime on the way in. Nested refs stay refs (they are not resolved), as in Ray.
 */
final class RuntimeHandles {
    private RuntimeHandles() {
    }

    @SuppressWarnings("rawtypes")
    static final class ObjectRefCodec implements HandleCodec<ObjectRef> {
        private final NodeRuntime runtime;

        ObjectRefCodec(NodeRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public Class<ObjectRef> type() {
            return ObjectRef.class;
        }

        @Override
        public void write(ObjectRef value, HandleOutput out) {
            ObjectEntry entry = RuntimeAccess.entryOf(value);
            runtime.nestedRefs().export(entry);
            out.writeLong(entry.id().high());
            out.writeLong(entry.id().low());
        }

        @Override
        public ObjectRef read(HandleInput in) {
            ObjectId id = new ObjectId(in.readLong(), in.readLong());
            return InternalAccess.newRef(runtime.nestedRefs().entryOf(id), runtime);
        }
    }

    @SuppressWarnings("rawtypes")
    static final class ActorHandleCodec implements HandleCodec<ActorHandle> {
        private final NodeRuntime runtime;

        ActorHandleCodec(NodeRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public Class<ActorHandle> type() {
            return ActorHandle.class;
        }

        @Override
        public void write(ActorHandle value, HandleOutput out) {
            out.writeLong(RuntimeAccess.recordOf(value).id());
        }

        @Override
        public ActorHandle read(HandleInput in) {
            long id = in.readLong();
            ActorRecord record = runtime.actorById(id);
            return record == null ? InternalAccess.deadHandle(id, runtime) : InternalAccess.newHandle(record, runtime);
        }
    }
}
