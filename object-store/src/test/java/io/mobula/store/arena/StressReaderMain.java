package io.mobula.store.arena;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;

/**
 * A reader process for the stress test: {@code StressReaderMain ARENA SECONDS MAX_ID} pins random
 * ids for a while and checks every object it gets against the pattern its id implies; prints
 * {@code checks=<n> hits=<n> torn=<n>}.
 */
public final class StressReaderMain {
    private StressReaderMain() {
    }

    public static void main(String[] args) {
        try (ArenaReader reader = new ArenaReader(Path.of(args[0]))) {
            long[] result = ArenaStressTest.readFor(reader::get, Long.parseLong(args[1]) * 1_000_000_000L, Long.parseLong(args[2]));
            System.out.println("checks=" + result[0] + " hits=" + result[1] + " torn=" + result[2]);
        }
    }

    static long pick(long maxId) {
        return 1 + ThreadLocalRandom.current().nextLong(maxId);
    }

    static ObjectId id(long n) {
        return new ObjectId(13, n);
    }

    interface Getter {
        ObjectView get(ObjectId id, long timeoutNs);
    }
}
