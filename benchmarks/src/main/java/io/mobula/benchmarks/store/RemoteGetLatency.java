package io.mobula.benchmarks.store;

import java.nio.file.Path;
import java.util.Arrays;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.arena.ArenaReader;

/**
 * Runs in a second process: attaches to a node's arena and times get (lookup + pin + view) and
 * close (unpin) of one object, many times. Prints {@code p50=<ns> p99=<ns> n=<count>}.
 */
public final class RemoteGetLatency {
    private RemoteGetLatency() {
    }

    public static void main(String[] args) {
        ObjectId id = ObjectId.parse(args[1]);
        int n = Integer.parseInt(args[2]);
        try (ArenaReader reader = new ArenaReader(Path.of(args[0]))) {
            for (int i = 0; i < n; i++) { // warm-up
                reader.get(id, 0).close();
            }
            long[] nanos = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                ObjectView view = reader.get(id, 0);
                long size = view.data().byteSize();
                view.close();
                nanos[i] = System.nanoTime() - start + (size < 0 ? 1 : 0);
            }
            Arrays.sort(nanos);
            System.out.println("p50=" + nanos[n / 2] + " p99=" + nanos[n * 99 / 100] + " n=" + n);
        }
    }
}
