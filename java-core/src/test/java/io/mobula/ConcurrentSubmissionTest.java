package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eight threads submit 100,000 tasks in all, each depending on the one before it in its thread's
 * chain and on a shared put; every result must be right.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentSubmissionTest {
    private static final int THREADS = 8;
    private static final int TASKS_PER_THREAD = 12_500;

    static long step(long previous, int i, long offset) {
        return previous + i + offset;
    }

    @Test
    void eightThreadsSubmitAHundredThousandDependentTasks() throws Exception {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(2))) {
            ObjectRef<Long> offset = mobula.put(3L);
            ExecutorService submitters = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<List<ObjectRef<Long>>>> chains = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long seed = t * 1_000_000L;
                    chains.add(submitters.submit(() -> {
                        List<ObjectRef<Long>> refs = new ArrayList<>(TASKS_PER_THREAD);
                        ObjectRef<Long> previous = mobula.put(seed);
                        for (int i = 0; i < TASKS_PER_THREAD; i++) {
                            // every tenth task waits on the chain; the rest take the value directly
                            previous = i % 10 == 0
                                ? mobula.task(ConcurrentSubmissionTest::step, previous, i, offset).remote()
                                : mobula.task(ConcurrentSubmissionTest::step, seed, i, 3L).remote();
                            refs.add(previous);
                        }
                        return refs;
                    }));
                }
                int total = 0;
                for (int t = 0; t < THREADS; t++) {
                    long seed = t * 1_000_000L;
                    List<ObjectRef<Long>> refs = chains.get(t).get(60, TimeUnit.SECONDS);
                    long previous = seed;
                    for (int i = 0; i < TASKS_PER_THREAD; i++) {
                        long expected = i % 10 == 0 ? previous + i + 3 : seed + i + 3;
                        assertEquals(expected, refs.get(i).get(), "thread " + t + " task " + i);
                        previous = expected;
                        total++;
                    }
                }
                assertEquals(THREADS * TASKS_PER_THREAD, total);
            } finally {
                submitters.shutdownNow();
            }
        }
    }
}
