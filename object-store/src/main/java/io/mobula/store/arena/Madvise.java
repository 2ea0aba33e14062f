package io.mobula.store.arena;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Pre-faults arena memory with {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+): page tables are
 * filled for writing without touching the contents, so it is safe while objects are being written,
 * and a later put into those pages runs at copy speed instead of paying a fault per page.
 */
final class Madvise {
    private static final int MADV_POPULATE_WRITE = 23;
    private static final MethodHandle MADVISE;

    static {
        Linker linker = Linker.nativeLinker();
        MADVISE = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private Madvise() {
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
