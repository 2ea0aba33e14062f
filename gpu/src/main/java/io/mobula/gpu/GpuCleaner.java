package io.mobula.gpu;

import java.lang.ref.Cleaner;

/**
 * The one cleaner thread that frees the module's device resources (device arrays, per-thread
 * streams) once their owners are unreachable. One thread for all, so frees are serialised and
 * never race a context switch on another cleaner.
 */
final class GpuCleaner {
    static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "mobula-gpu-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private GpuCleaner() {
    }
}
