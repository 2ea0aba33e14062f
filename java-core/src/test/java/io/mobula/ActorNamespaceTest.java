package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Named actors are unique within a namespace: the job's by default, an anonymous one unless set. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActorNamespaceTest {
    private static NodeContext small() {
        return new NodeContext().cpus(2).storeCapacityBytes(32L << 20);
    }

    @Test
    void aJobWithoutANamespaceGetsAnAnonymousOneOfItsOwn() {
        try (Mobula first = Mobula.init(small()); Mobula second = Mobula.init(small())) {
            assertTrue(first.namespace().startsWith(NodeContext.ANONYMOUS_NAMESPACE_PREFIX), first.namespace());
            assertNotEquals(first.namespace(), second.namespace());
        }
        try (Mobula named = Mobula.init(small().namespace("team"))) {
            assertEquals("team", named.namespace());
        }
        assertThrows(IllegalArgumentException.class, () -> Mobula.init(small().namespace(" ")));
    }

    @Test
    void namesAreUniqueWithinANamespaceAndLookedUpInTheJobsByDefault() {
        try (Mobula mobula = Mobula.init(small().namespace("mine"))) {
            ActorHandle<TestFunctions.Counter> mine = mobula.actor(TestFunctions.Counter::new).name("counter").remote();
            ActorHandle<TestFunctions.Counter> theirs = mobula.actor(TestFunctions.Counter::startingAt, 100).name("counter")
                .namespace("theirs").remote();
            assertEquals(1, mine.task(TestFunctions.Counter::inc).remote().get());
            assertEquals(101, theirs.task(TestFunctions.Counter::inc).remote().get());

            assertEquals(mine, mobula.getActor("counter").orElseThrow(), "getActor(name) looks in the job's namespace");
            assertEquals(mine, mobula.getActor("counter", "mine").orElseThrow());
            assertEquals(theirs, mobula.getActor("counter", "theirs").orElseThrow());
            assertTrue(mobula.getActor("counter", "nobody's").isEmpty());

            ActorNameTakenException taken = assertThrows(ActorNameTakenException.class,
                () -> mobula.actor(TestFunctions.Counter::new).name("counter").namespace("theirs").remote());
            assertTrue(taken.getMessage().contains("namespace 'theirs'"), taken.getMessage());

            mobula.kill(theirs); // frees its name in its namespace alone
            assertTrue(mobula.getActor("counter", "theirs").isEmpty());
            assertEquals(mine, mobula.getActor("counter").orElseThrow());

            IllegalArgumentException unnamed = assertThrows(IllegalArgumentException.class,
                () -> mobula.actor(TestFunctions.Counter::new).namespace("theirs").remote());
            assertTrue(unnamed.getMessage().contains("has none"), unnamed.getMessage());
            assertThrows(IllegalArgumentException.class, () -> mobula.actor(TestFunctions.Counter::new).name("x").namespace(""));
            assertThrows(IllegalArgumentException.class, () -> mobula.getActor("counter", " "));
        }
    }

    /** A name is what the program wrote, everywhere: never cut, never split by a line break (a log record once was). */
    @Test
    void namesAndNamespacesAreCheckedWhereTheyAreGiven() {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(1).storeCapacityBytes(8L << 20))) {
            for (String bad : new String[] {"my\nactor", "tab\tbed", "nul\u0000", " ", "x".repeat(257)}) {
                IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                    () -> mobula.actor(TestFunctions.Counter::new).name(bad));
                assertTrue(name.getMessage().contains("name"), name.getMessage());
                assertThrows(IllegalArgumentException.class, () -> mobula.actor(TestFunctions.Counter::new).name("ok").namespace(bad));
                assertThrows(IllegalArgumentException.class, () -> new NodeContext().namespace(bad));
            }
            String longest = "n".repeat(256);
            ActorHandle<TestFunctions.Counter> spaced = mobula.actor(TestFunctions.Counter::new).name("my actor ✓").remote();
            ActorHandle<TestFunctions.Counter> full = mobula.actor(TestFunctions.Counter::new).name(longest).remote();
            assertEquals(spaced, mobula.getActor("my actor ✓").orElseThrow(), "spaces and any letters are fine");
            assertEquals(full, mobula.getActor(longest).orElseThrow());
        }
    }
}
