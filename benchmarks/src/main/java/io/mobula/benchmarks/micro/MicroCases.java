package io.mobula.benchmarks.micro;

import java.util.ArrayList;
import java.util.List;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Ray's microbenchmark cases, as Ray's {@code ray microbenchmark} defines them, on a Mobula node.
 * Each trial is a batch large enough that timing overhead vanishes; the harness repeats it.
 */
final class MicroCases {
    static final int GIGABYTES_ARRAY_BYTES = 100 << 20;
    private static final int SYNC_BATCH = 2_000;
    private static final int ASYNC_BATCH = 20_000;
    private static final int OBJECT_BATCH = 100_000;
    /** Isolated tasks cross to a worker process and back: batches sized to that. */
    private static final int ISOLATED_SYNC_BATCH = 200;
    private static final int ISOLATED_ASYNC_BATCH = 2_000;

    private MicroCases() {
    }

    /** The remote function of every task case: as small as a task gets. */
    static int small() {
        return 1;
    }

    /** The actor of every actor case. */
    static final class Echo {
        Echo() {
        }

        int small() {
            return 1;
        }

        int withArg(Integer value) {
            return value;
        }
    }

    static List<MicroCase> all() {
        List<MicroCase> cases = new ArrayList<>();
        cases.add(new MicroCase("single_client_tasks_sync", "ops/s", 952, 80_000, "submit one task, get it, repeat",
            c -> ctx -> syncTasks(c.mobula, SYNC_BATCH)).alsoConnected(30_000));
        cases.add(new MicroCase("single_client_tasks_async", "ops/s", 7_691, 1_000_000, "submit 20k tasks, then get them all",
            c -> ctx -> asyncTasks(c.mobula, ASYNC_BATCH)).alsoConnected(200_000));
        cases.add(new MicroCase("multi_client_tasks_async", "ops/s", 22_009, Double.NaN,
            SuiteContext.CLIENTS + " client threads, each as tasks_async", c -> ctx -> ctx.onClients(x -> asyncTasks(c.mobula, ASYNC_BATCH / 4)))
            .alsoConnected(Double.NaN));
        cases.add(new MicroCase("single_client_tasks_and_get_batch", "ops/s", 7.99, Double.NaN,
            "one op = get of a list of 1,000 fresh tasks", c -> ctx -> {
                asyncTasks(c.mobula, 1_000);
                return 1;
            }));
        cases.add(new MicroCase("1_1_actor_calls_sync", "ops/s", 1_950, 80_000, "call one actor, get, repeat", c -> {
            ActorHandle<Echo> actor = c.keep(c.mobula.actor(Echo::new).remote());
            return ctx -> syncCalls(actor, SYNC_BATCH);
        }).alsoConnected(30_000));
        cases.add(new MicroCase("1_1_actor_calls_async", "ops/s", 7_956, 1_000_000, "20k calls to one actor, then get all", c -> {
            ActorHandle<Echo> actor = c.keep(c.mobula.actor(Echo::new).remote());
            return ctx -> asyncCalls(c.mobula, List.of(actor), ASYNC_BATCH);
        }).alsoConnected(200_000));
        cases.add(new MicroCase("1_1_actor_calls_concurrent", "ops/s", 5_303, Double.NaN,
            "as 1_1 async, to an actor with maxConcurrency 4", c -> {
                ActorHandle<Echo> actor = c.keep(c.mobula.actor(Echo::new).maxConcurrency(4).remote());
                return ctx -> asyncCalls(c.mobula, List.of(actor), ASYNC_BATCH);
            }));
        cases.add(new MicroCase("1_n_actor_calls_async", "ops/s", 8_575, Double.NaN,
            "one client, calls spread over " + SuiteContext.CLIENTS + " actors", c -> {
                List<ActorHandle<Echo>> actors = actors(c, SuiteContext.CLIENTS);
                return ctx -> asyncCalls(c.mobula, actors, ASYNC_BATCH);
            }));
        cases.add(new MicroCase("n_n_actor_calls_async", "ops/s", 27_276, Double.NaN,
            SuiteContext.CLIENTS + " clients, each calling its own actor", c -> {
                List<ActorHandle<Echo>> actors = actors(c, SuiteContext.CLIENTS);
                return ctx -> ctx.onClients(x -> asyncCalls(c.mobula, List.of(actors.get(clientIndex())), ASYNC_BATCH / 4));
            }).alsoConnected(Double.NaN));
        cases.add(new MicroCase("n_n_actor_calls_with_arg_async", "ops/s", 2_632, Double.NaN,
            "as n_n, each call taking an ObjectRef argument", c -> {
                List<ActorHandle<Echo>> actors = actors(c, SuiteContext.CLIENTS);
                ObjectRef<Integer> arg = c.mobula.put(7);
                return ctx -> ctx.onClients(x -> asyncCallsWithArg(c.mobula, actors.get(clientIndex()), arg, ASYNC_BATCH / 4));
            }));
        cases.add(new MicroCase("single_client_get_calls", "ops/s", 10_394, 5_000_000, "get of a small object, repeated", c -> {
            ObjectRef<Integer> ref = c.mobula.put(1);
            return ctx -> {
                long sum = 0;
                for (int i = 0; i < OBJECT_BATCH; i++) {
                    sum += c.mobula.get(ref);
                }
                return sum;
            };
        }));
        cases.add(new MicroCase("single_client_put_calls", "ops/s", 5_238, 1_000_000, "put of an integer, repeated",
            c -> ctx -> puts(c.mobula, OBJECT_BATCH)));
        cases.add(new MicroCase("multi_client_put_calls", "ops/s", 12_280, Double.NaN,
            SuiteContext.CLIENTS + " client threads, each as put_calls", c -> ctx -> ctx.onClients(x -> puts(c.mobula, OBJECT_BATCH / 4))));
        cases.add(new MicroCase("single_client_put_gigabytes", "GB/s", 20.9, Double.NaN,
            "put of one 100 MiB double[] into reused (touched) store memory; target: >= 80% of memcpy in the same run", c -> {
                double[] array = new double[GIGABYTES_ARRAY_BYTES / Double.BYTES];
                java.util.Arrays.fill(array, 1.0);
                cycleStore(c, () -> c.mobula.put(array), GIGABYTES_ARRAY_BYTES);
                return ctx -> {
                    c.mobula.put(array);
                    return GIGABYTES_ARRAY_BYTES;
                };
            }));
        cases.add(new MicroCase("multi_client_put_gigabytes", "GB/s", 41.0, Double.NaN,
            SuiteContext.CLIENTS + " clients, each putting a 25 MiB double[] (reused store memory)", c -> {
                double[][] arrays = new double[SuiteContext.CLIENTS][GIGABYTES_ARRAY_BYTES / SuiteContext.CLIENTS / Double.BYTES];
                cycleStore(c, () -> c.mobula.put(arrays[0]), GIGABYTES_ARRAY_BYTES / SuiteContext.CLIENTS);
                return ctx -> ctx.onClients(x -> {
                    c.mobula.put(arrays[clientIndex()]);
                    return GIGABYTES_ARRAY_BYTES / SuiteContext.CLIENTS;
                });
            }));
        cases.add(new MicroCase("single_client_get_object_containing_10k_refs", "ops/s", 13.16, Double.NaN,
            "get of a list holding 10,000 refs", c -> {
                List<ObjectRef<Integer>> refs = new ArrayList<>(10_000);
                for (int i = 0; i < 10_000; i++) {
                    refs.add(c.mobula.put(i));
                }
                ObjectRef<List<ObjectRef<Integer>>> outer = c.mobula.put(refs);
                return ctx -> c.mobula.get(outer).size() == 10_000 ? 1 : 0;
            }));
        cases.add(new MicroCase("single_client_wait_1k_refs", "ops/s", 5.18, 5_000,
            "one op = wait on 1,000 finished task refs (Ray's op also submits the 1,000 tasks)", c -> {
                List<ObjectRef<Integer>> refs = new ArrayList<>(1_000);
                for (int i = 0; i < 1_000; i++) {
                    refs.add(c.mobula.task(MicroCases::small).remote());
                }
                c.mobula.get(refs);
                return ctx -> c.mobula.wait(refs, refs.size(), java.time.Duration.ofSeconds(10)).ready().size() == 1_000 ? 1 : 0;
            }));
        cases.add(new MicroCase("isolated_tasks_sync", "ops/s", 952, Double.NaN,
            "as tasks_sync, each task run in a worker process (isolated()); Ray's column: its tasks_sync, whose tasks "
                + "always run in worker processes", c -> {
                isolatedTasks(c.mobula, 1); // the pool starts at the first isolated task: not timed
                return ctx -> isolatedSyncTasks(c.mobula, ISOLATED_SYNC_BATCH);
            }));
        cases.add(new MicroCase("isolated_tasks_async", "ops/s", 7_691, Double.NaN,
            "as tasks_async (2k tasks), each run in a worker process; Ray's column: its tasks_async", c -> {
                isolatedTasks(c.mobula, 1);
                return ctx -> isolatedTasks(c.mobula, ISOLATED_ASYNC_BATCH);
            }));
        cases.add(new MicroCase("placement_group_create_removal", "ops/s", 791, Double.NaN,
            "create a placement group of one 1-CPU bundle, wait until it is placed, remove it", c -> ctx -> {
                io.mobula.PlacementGroup group = c.mobula.placementGroup(io.mobula.PlacementStrategy.PACK,
                    List.of(java.util.Map.of("CPU", 1.0)));
                if (!group.waitReady(java.time.Duration.ofSeconds(30))) {
                    throw new IllegalStateException("a one-CPU placement group was not placed within 30 s");
                }
                c.mobula.removePlacementGroup(group);
                return 1;
            }).alsoConnected(Double.NaN));
        return cases;
    }

    private static final ThreadLocal<Integer> CLIENT_INDEX = new ThreadLocal<>();
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_CLIENT = new java.util.concurrent.atomic.AtomicInteger();

    /** A stable index per client thread, so each client keeps to its own actor. */
    static int clientIndex() {
        Integer index = CLIENT_INDEX.get();
        if (index == null) {
            index = NEXT_CLIENT.getAndIncrement() % SuiteContext.CLIENTS;
            CLIENT_INDEX.set(index);
        }
        return index;
    }

    /**
     * Puts enough to pass over the whole store once, untimed, so the timed puts land in memory that
     * has been touched before: first touch of fresh memory costs page faults and zeroing, which the
     * store's reuse of freed blocks avoids from then on.
     */
    private static void cycleStore(SuiteContext c, Runnable put, long bytesPerPut) {
        long puts = MicrobenchmarkCommand.STORE_CAPACITY_BYTES / bytesPerPut + 2;
        for (long i = 0; i < puts; i++) {
            put.run();
        }
    }

    private static List<ActorHandle<Echo>> actors(SuiteContext c, int n) {
        List<ActorHandle<Echo>> actors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            actors.add(c.keep(c.mobula.actor(Echo::new).remote()));
        }
        return actors;
    }

    static long syncTasks(Mobula mobula, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += mobula.task(MicroCases::small).remote().get();
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    static long asyncTasks(Mobula mobula, int n) {
        ObjectRef<Integer>[] refs = new ObjectRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = mobula.task(MicroCases::small).remote();
        }
        long sum = 0;
        for (ObjectRef<Integer> ref : refs) {
            sum += ref.get();
        }
        return sum;
    }

    static long isolatedSyncTasks(Mobula mobula, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += mobula.task(MicroCases::small).isolated().remote().get();
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    static long isolatedTasks(Mobula mobula, int n) {
        ObjectRef<Integer>[] refs = new ObjectRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = mobula.task(MicroCases::small).isolated().remote();
        }
        long sum = 0;
        for (ObjectRef<Integer> ref : refs) {
            sum += ref.get();
        }
        return sum;
    }

    static long syncCalls(ActorHandle<Echo> actor, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += actor.task(Echo::small).remote().get();
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    static long asyncCalls(Mobula mobula, List<ActorHandle<Echo>> actors, int n) {
        ObjectRef<Integer>[] refs = new ObjectRef[n];
        int k = actors.size();
        for (int i = 0; i < n; i++) {
            refs[i] = actors.get(i % k).task(Echo::small).remote();
        }
        long sum = 0;
        for (ObjectRef<Integer> ref : refs) {
            sum += ref.get();
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    static long asyncCallsWithArg(Mobula mobula, ActorHandle<Echo> actor, ObjectRef<Integer> arg, int n) {
        ObjectRef<Integer>[] refs = new ObjectRef[n];
        for (int i = 0; i < n; i++) {
            refs[i] = actor.task(Echo::withArg, arg).remote();
        }
        long ops = 0;
        for (ObjectRef<Integer> ref : refs) {
            ops += ref.get() == 7 ? 1 : 0;
        }
        return ops;
    }

    /** Every ref a put case makes escapes here, so the JIT cannot drop the put as dead code. */
    static volatile Object sink;

    static long puts(Mobula mobula, int n) {
        for (int i = 0; i < n; i++) {
            sink = mobula.put(i);
        }
        return n;
    }
}
