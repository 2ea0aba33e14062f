package io.mobula.store.arena;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux futexes on a word of a shared mapping, through FFM: a reader in any process sleeps on the
 * arena's seal sequence until the node bumps it and wakes the sleepers. No polling, no sleeps.
 * Shared (not {@code FUTEX_PRIVATE_FLAG}) operations, since the word is mapped by several processes.
 */
final class Futex {
    /** The futex system call's number: 202 on x86-64, 98 on arm64. */
    private static final long SYS_FUTEX = System.getProperty("os.arch").matches("aarch64|arm64") ? 98 : 202;
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final MethodHandle SYSCALL;

    static {
        Linker linker = Linker.nativeLinker();
        // long syscall(long number, ...): the futex arguments are variadic.
        SYSCALL = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1));
    }

    private Futex() {
    }

    /**
     * Sleeps while the word at {@code word} still holds {@code expected}, for at most {@code timeoutNs}.
     * Returns on a wake, a timeout, a signal, or at once if the word already differs; the caller
     * re-checks its condition in every case.
     */
    static void await(MemorySegment word, int expected, long timeoutNs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            timespec.set(ValueLayout.JAVA_LONG, 0, timeoutNs / 1_000_000_000L);
            timespec.set(ValueLayout.JAVA_LONG, 8, timeoutNs % 1_000_000_000L);
            long unused = (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAIT, expected, timespec, MemorySegment.NULL, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("futex wait failed", e);
        }
    }

    /** Wakes every sleeper on the word. */
    static void wakeAll(MemorySegment word) {
        try {
            long unused = (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAKE, Integer.MAX_VALUE, MemorySegment.NULL,
                MemorySegment.NULL, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("futex wake failed", e);
        }
    }
}
