package io.mobula.ml.online;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.ml.data.SparseExample;

/**
 * Replays a labelled dataset as a stream into an incremental learner while a serving actor
 * answers queries, and measures both.
 *
 * <pre>
 *  replay (driver)            OnlineLearner actor         ModelServer actor (maxConcurrency n+1)
 *  events at a steady pace
 *  every batchSize events:
 *    m = learner.learn(batch) ─► SGD steps, snapshot ─ref─┐
 *    a = server.swap(m) ─────────────────────────────────►  install if newer (atomic reference)
 *  ack thread: a.get() → each event's freshness = now - its arrival
 *  n query threads: server.predict(row) in a loop ─────────► newest model's answer, never blocked
 * </pre>
 */
public final class OnlineLearning {
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

    /** A progress line's facts: events learned so far, of how many, and the version served. */
    public record ReplayProgress(long events, long total, long servedVersion, long queries) {
    }

    private OnlineLearning() {
    }

    public static OnlineReport run(Mobula mobula, List<SparseExample> stream, List<SparseExample> test, OnlineSettings settings,
                                   Consumer<ReplayProgress> onProgress) throws InterruptedException {
        if (stream.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("need a non-empty stream and test set, got " + stream.size() + " and " + test.size() + " rows");
        }
        int dimensions = 1 + Math.max(stream.stream().mapToInt(SparseExample::maxIndex).max().orElse(0),
            test.stream().mapToInt(SparseExample::maxIndex).max().orElse(0));
        ActorHandle<OnlineLearner> learner = mobula.actor(OnlineLearner::new, dimensions, settings.learningRate(), settings.l2()).remote();
        ActorHandle<ModelServer> server = mobula.actor(ModelServer::new, LogisticModel.empty(dimensions))
            .maxConcurrency(settings.queryClients() + 1).remote();
        server.task(ModelServer::servedVersion).remote().get(CALL_TIMEOUT);  // placed and answering before the clock starts
        // One untimed round through the same calls (a throwaway learner, a swap that installs nothing: version 0 is not
        // newer), so the figures measure the stream rather than the first calls' class loading and serializer set-up.
        ActorHandle<OnlineLearner> warmUp = mobula.actor(OnlineLearner::new, dimensions, settings.learningRate(), settings.l2())
            .remote();
        warmUp.task(OnlineLearner::learn, (Object) stream.subList(0, Math.min(stream.size(), settings.batchSize()))
            .toArray(SparseExample[]::new)).remote().get(CALL_TIMEOUT);
        server.task(ModelServer::swap, LogisticModel.empty(dimensions)).remote().get(CALL_TIMEOUT);
        mobula.kill(warmUp);
        try {
            return replay(mobula, learner, server, stream, test, settings, onProgress);
        } finally {
            mobula.kill(learner);
            mobula.kill(server);
        }
    }

    private record Pending(ObjectRef<Long> ack, long[] arrivals) {
    }

    private static OnlineReport replay(Mobula mobula, ActorHandle<OnlineLearner> learner, ActorHandle<ModelServer> server,
                                       List<SparseExample> stream, List<SparseExample> test, OnlineSettings settings,
                                       Consumer<ReplayProgress> onProgress) throws InterruptedException {
        AtomicBoolean training = new AtomicBoolean(true);
        AtomicLong failed = new AtomicLong();
        AtomicLong regressions = new AtomicLong();
        AtomicLong queries = new AtomicLong();
        List<Latencies> serving = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < settings.queryClients(); c++) {
            Latencies latencies = new Latencies();
            serving.add(latencies);
            int offset = c * test.size() / settings.queryClients();
            clients.add(Thread.ofPlatform().name("online-query-" + c).daemon().start(() -> query(server, test, offset, settings, training,
                latencies, failed, regressions, queries)));
        }

        BlockingQueue<Pending> pending = new ArrayBlockingQueue<>(1024);
        Latencies freshness = new Latencies();
        Pending endOfStream = new Pending(null, null);
        Throwable[] ackFailure = new Throwable[1];
        Thread acks = Thread.ofPlatform().name("online-acks").daemon().start(() -> {
            try {
                for (Pending p = pending.take(); p != endOfStream; p = pending.take()) {
                    p.ack().get(CALL_TIMEOUT);
                    long served = System.nanoTime();
                    for (long arrival : p.arrivals()) {
                        freshness.add(served - arrival);
                    }
                }
            } catch (Throwable e) {
                ackFailure[0] = e;
            }
        });

        long start = System.nanoTime();
        double nanosPerEvent = 1e9 / settings.eventsPerSecond();
        long published = 0;
        long nextProgress = Math.max(1, stream.size() / 10);
        for (int from = 0; from < stream.size(); from += settings.batchSize()) {
            int to = Math.min(stream.size(), from + settings.batchSize());
            long[] arrivals = new long[to - from];
            for (int i = from; i < to; i++) {
                arrivals[i - from] = start + (long) (i * nanosPerEvent);
            }
            waitUntil(arrivals[arrivals.length - 1]);   // the batch is complete once its last event has arrived
            SparseExample[] batch = stream.subList(from, to).toArray(SparseExample[]::new);
            ObjectRef<LogisticModel> model = learner.task(OnlineLearner::learn, batch).remote();
            pending.put(new Pending(server.task(ModelServer::swap, model).remote(), arrivals));
            published++;
            if (to >= nextProgress || to == stream.size()) {
                nextProgress += Math.max(1, stream.size() / 10);
                onProgress.accept(new ReplayProgress(to, stream.size(),
                    server.task(ModelServer::servedVersion).remote().get(CALL_TIMEOUT), queries.get()));
            }
        }
        pending.put(endOfStream);
        acks.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        training.set(false);
        for (Thread client : clients) {
            client.join();
        }
        if (ackFailure[0] != null) {
            throw new IllegalStateException("a model swap failed: " + ackFailure[0], ackFailure[0]);
        }
        Latencies allServing = new Latencies();
        serving.forEach(allServing::addAll);
        double progressive = learner.task(OnlineLearner::progressiveAccuracy).remote().get(CALL_TIMEOUT);
        double accuracy = server.task(ModelServer::accuracy, (Object) test.toArray(SparseExample[]::new)).remote().get(CALL_TIMEOUT);
        long swaps = server.task(ModelServer::swaps).remote().get(CALL_TIMEOUT);
        return new OnlineReport(stream.size(), published, swaps, freshness.percentileMillis(50), freshness.percentileMillis(99),
            freshness.percentileMillis(100), queries.get(), failed.get(), regressions.get(), allServing.percentileMillis(50),
            allServing.percentileMillis(99), progressive, accuracy, test.size(), seconds);
    }

    private static void query(ActorHandle<ModelServer> server, List<SparseExample> test, int offset, OnlineSettings settings,
                              AtomicBoolean training, Latencies latencies, AtomicLong failed, AtomicLong regressions, AtomicLong queries) {
        long lastVersion = -1;
        for (int i = offset; training.get(); i++) {
            SparseExample row = test.get(i % test.size());
            long t0 = System.nanoTime();
            try {
                Prediction p = server.task(ModelServer::predict, row.indices(), row.values()).remote().get(CALL_TIMEOUT);
                latencies.add(System.nanoTime() - t0);
                if (!(p.probability() >= 0 && p.probability() <= 1)) {
                    failed.incrementAndGet();
                }
                if (p.modelVersion() < lastVersion) {
                    regressions.incrementAndGet();
                }
                lastVersion = Math.max(lastVersion, p.modelVersion());
            } catch (RuntimeException e) {
                failed.incrementAndGet();
            }
            queries.incrementAndGet();
            if (settings.queryPauseMicros() > 0) {
                LockSupport.parkNanos(settings.queryPauseMicros() * 1_000);
            }
        }
    }

    private static void waitUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
