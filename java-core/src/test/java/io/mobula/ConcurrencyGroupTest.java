package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ray's concurrency groups on an embedded node: each group its own threads and limit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyGroupTest {
    private Mobula mobula;

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(2).storeCapacityBytes(32L << 20));
        Server.gate = new CountDownLatch(1);
        Server.together = new CountDownLatch(2);
    }

    @AfterEach
    void stop() {
        Server.gate.countDown();
        mobula.close();
    }

    /**
     * The default group (one thread) is held by a blocked call; the "io" group's two threads run two
     * of its calls at once (each waits for the other), and a call sent to "compute" by name runs too.
     */
    @Test
    void eachGroupRunsItsCallsOnItsOwnThreadsUpToItsLimit() {
        ActorHandle<Server> server = mobula.actor(Server::new)
            .concurrencyGroup(ConcurrencyGroup.<Server>named("io", 2).method(Server::meet))
            .concurrencyGroup(ConcurrencyGroup.named("compute", 1))
            .remote();
        ObjectRef<String> blocked = server.task(Server::awaitGate).remote(); // the default group's one thread
        ObjectRef<String> first = server.task(Server::meet).remote();
        ObjectRef<String> second = server.task(Server::meet).remote();
        assertEquals("met", first.get(Duration.ofSeconds(10)), "two io calls ran at once beside the blocked default group");
        assertEquals("met", second.get(Duration.ofSeconds(10)));
        assertTrue(server.task(Server::thread).concurrencyGroup("compute").remote().get(Duration.ofSeconds(10))
            .contains("-compute-"), "a call sent to a group by name runs on its threads");
        ObjectRef<String> waiting = server.task(Server::thread).remote(); // the default group: behind the blocked call
        assertThrows(GetTimeoutException.class, () -> waiting.get(Duration.ofMillis(200)));
        Server.gate.countDown();
        assertEquals("opened", blocked.get(Duration.ofSeconds(10)));
        assertTrue(!waiting.get(Duration.ofSeconds(10)).contains("-compute-"));
    }

    @Test
    void anUnknownGroupFailsTheCallAndBadDeclarationsFailTheCreation() {
        ActorHandle<Server> server = mobula.actor(Server::new).concurrencyGroup(ConcurrencyGroup.named("io", 1)).remote();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> server.task(Server::thread).concurrencyGroup("gpu").remote());
        assertTrue(unknown.getMessage().contains("no concurrency group 'gpu'") && unknown.getMessage().contains("io"),
            unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mobula.actor(Server::new)
            .concurrencyGroup(ConcurrencyGroup.named("io", 1)).concurrencyGroup(ConcurrencyGroup.named("io", 2)).remote());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> mobula.actor(Server::new)
            .concurrencyGroup(ConcurrencyGroup.<Server>named("a", 1).method(Server::meet))
            .concurrencyGroup(ConcurrencyGroup.<Server>named("b", 1).method(Server::meet)).remote());
        assertTrue(twice.getMessage().contains("'a' and 'b'"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConcurrencyGroup.named("x", 0));
        assertThrows(IllegalArgumentException.class, () -> ConcurrencyGroup.named(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> mobula.actor(Server::new).isolated()
            .concurrencyGroup(ConcurrencyGroup.named("io", 1)).remote());
    }

    static final class Server {
        static volatile CountDownLatch gate;
        static volatile CountDownLatch together;

        String awaitGate() throws InterruptedException {
            return gate.await(20, TimeUnit.SECONDS) ? "opened" : "never opened";
        }

        /** Returns once two calls of it run at the same time. */
        String meet() throws InterruptedException {
            CountDownLatch latch = together;
            latch.countDown();
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other call never ran beside this one");
            }
            return "met";
        }

        String thread() {
            return Thread.currentThread().getName();
        }
    }
}
