package io.mobula.store.arena;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Pre-faults arena memory with {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+): page tables are
 * filled for writing without touching the contents, so it is safe while objects are being written,
 * and a later put into those pages runs at copy speed instead of paying a fault per page.
 */
final class Madvise {
    private static final int MADV_POPULATE_WRITE = 23;
    private static final MethodHandle MADVISE;
    /** The same, keeping errno, for callers that must tell "no room" from "not supported". */
    private static final MethodHandle MADVISE_ERRNO;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static {
        Linker linker = Linker.nativeLinker();
        MemorySegment madvise = linker.defaultLookup().find("madvise").orElseThrow();
        FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT);
        MADVISE = linker.downcallHandle(madvise, signature);
        MADVISE_ERRNO = linker.downcallHandle(madvise, signature, Linker.Option.captureCallState("errno"));
    }

    private Madvise() {
    }

    /**
     * Populates the range for writing, as {@link #populateWrite} does.
     *
     * @return 0 if the kernel populated it, else the errno: EFAULT or ENOMEM where a write would
     *         have faulted (the file's folder is full), EINVAL on kernels without the advice.
     */
    static int populateWriteErrno(MemorySegment pageAligned) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MADVISE_ERRNO.invokeExact(state, pageAligned, pageAligned.byteSize(), MADV_POPULATE_WRITE);
            return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("madvise failed", e);
        }
    }

    /** @return true if the kernel populated the range (false on kernels without the advice). */
    static boolean populateWrite(MemorySegment pageAligned) {
        try {
            return (int) MADVISE.invokeExact(pageAligned, pageAligned.byteSize(), MADV_POPULATE_WRITE) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
