package io.mobula.store.arena;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.StoreContext;

/**
 * A store's owner process for the file-lifetime tests. {@code StoreOwnerMain DIR SPILL_DIR MODE}:
 * creates an 8 MiB store in DIR that spills to SPILL_DIR, puts three times its capacity (so spill
 * files exist), prints {@code data=<path> control=<path> spill=<path>}, then with MODE
 * {@code hold} waits until killed (or until its parent closes its input, so it never outlives the
 * test), with MODE {@code exit} calls System.exit(0) inside the
 * try-with-resources, so the store's close never runs.
 */
public final class StoreOwnerMain {
    private StoreOwnerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        Path spill = Path.of(args[1]);
        Path data = directory.resolve("mobula-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime())
            + ArenaDescriptor.DATA_SUFFIX);
        try (SharedArenaStore store = new SharedArenaStore(new StoreContext().capacityBytes(8 << 20)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100)).spillDirectory(spill), data, 4, false)) {
            for (int i = 0; i < 24; i++) {
                ObjectBuilder builder = store.create(new ObjectId(43, i + 1), 1 << 20, 2);
                builder.seal();
            }
            System.out.println("data=" + store.path() + " control=" + ArenaDescriptor.controlPath(store.path()) + " spill="
                + store.spillDirectory() + " spilled=" + store.stats().spilledCount());
            System.out.flush();
            if (args[2].equals("exit")) {
                System.exit(0);
            }
            System.in.read(); // the test kills it; the end of its input ends it if the test died first
        }
    }
}
