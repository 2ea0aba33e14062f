package io.mobula.benchmarks.micro;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.mobula.ActorHandle;
import io.mobula.Mobula;

/**
 * What the cases share: the node, a pool of client threads for the multi-client cases, and the
 * actors and large arrays each case sets up once (so set-up is not timed).
 */
final class SuiteContext implements AutoCloseable {
    static final int CLIENTS = 4;

    final Mobula mobula;
    final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, r -> {
        Thread t = new Thread(r, "microbenchmark-client");
        t.setDaemon(true);
        return t;
    });
    private final List<ActorHandle<?>> actors = new ArrayList<>();

    SuiteContext(Mobula mobula) {
        this.mobula = mobula;
    }

    <A> ActorHandle<A> keep(ActorHandle<A> actor) {
        actors.add(actor);
        return actor;
    }

    /** Runs {@code body} on every client thread at once and sums what they return. */
    long onClients(MicroCase.Trial body) throws Exception {
        List<Future<Long>> futures = new ArrayList<>(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            futures.add(clients.submit(() -> body.run(this)));
        }
        long total = 0;
        for (Future<Long> f : futures) {
            total += f.get();
        }
        return total;
    }

    @Override
    public void close() {
        for (ActorHandle<?> actor : actors) {
            if (actor.isAlive()) {
                mobula.kill(actor);
            }
        }
        actors.clear();
        clients.shutdownNow();
    }
}
