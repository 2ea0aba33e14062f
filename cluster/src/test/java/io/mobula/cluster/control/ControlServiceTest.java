package io.mobula.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.mobula.cluster.wire.NodeStatus;

/** The head's tables as a state machine: stepped by hand, logged, replayed. */
class ControlServiceTest {
    private static ControlService.Command command(String verb, long node, long time) {
        return new ControlService.Command(verb, node, Map.of("time", Long.toString(time), "total.CPU", "2.0"));
    }

    @Test
    void joinsHeartbeatsDeathsAndFencing() {
        ControlService service = new ControlService();
        assertTrue(service.apply(command(ControlService.Command.JOIN, 7, 1000)));
        assertTrue(service.apply(command(ControlService.Command.HEARTBEAT, 7, 2000)));
        assertEquals(List.of(), service.silentSince(1500));
        assertEquals(List.of(7L), service.silentSince(2500), "silent since 2000");
        assertTrue(service.apply(command(ControlService.Command.DEAD, 7, 3000)));
        assertFalse(service.members().get(0).alive());
        assertFalse(service.apply(command(ControlService.Command.HEARTBEAT, 7, 3500)), "a dead node is fenced until it joins again");
        assertTrue(service.apply(command(ControlService.Command.JOIN, 7, 4000)));
        assertTrue(service.members().get(0).alive());
        assertEquals("2.0", service.members().get(0).status().get("total.CPU"));
        assertTrue(service.apply(command(ControlService.Command.LEAVE, 7, 5000)));
        assertEquals(List.of(), service.members());
        assertThrows(IllegalArgumentException.class, () -> service.apply(command("explode", 7, 1)));
    }

    @Test
    void commandsRoundTripThroughTheWire() throws Exception {
        ControlService.Command join = new ControlService.Command("join", 42, Map.of("address", "127.0.0.1:6380", "time", "9",
            "path", "a b"));
        assertEquals(join, ControlCommands.decode(ControlCommands.encode(join)));
        assertThrows(IllegalArgumentException.class, () -> ControlCommands.encode(new ControlService.Command("explode", 1, Map.of())));
        byte[] whole = ControlCommands.encode(join);
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(whole, length);
            assertThrows(io.mobula.transport.MalformedMessageException.class, () -> ControlCommands.decode(cut));
        }
        for (String answer : List.of("ok", "fenced", "error no such node")) {
            assertEquals(answer, ControlCommands.readAnswer(ControlCommands.answer(answer)));
        }
    }

    @Test
    void aTornOrForeignTailIsCutAndLaterRecordsReplay(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("control.log");
        ControlService first = new ControlService();
        try (ControlLog log = ControlLog.openAndReplay(file, first)) {
            log.append(command("join", 1, 10));
        }
        byte[] whole = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.write(file, java.util.Arrays.copyOf(whole, whole.length + 5)); // a torn record's start
        try (ControlLog log = ControlLog.openAndReplay(file, new ControlService())) {
            log.append(command("join", 2, 11));
        }
        ControlService replayed = new ControlService();
        ControlLog.openAndReplay(file, replayed).close();
        assertEquals(2, replayed.members().size(), "the record after the cut tail replays");

        java.nio.file.Files.writeString(file, "join 1 address=127.0.0.1:6380 time=9\n"); // the old text format: not read
        ControlService fromText = new ControlService();
        ControlLog.openAndReplay(file, fromText).close();
        assertEquals(0, fromText.members().size());
        assertEquals(0, java.nio.file.Files.size(file), "a file of another format is cut to nothing");
    }

    @Test
    void aRestartedHeadReplaysItsLogToTheSameTables(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("control.log");
        ControlService first = new ControlService();
        try (ControlLog log = ControlLog.openAndReplay(file, first)) {
            for (ControlService.Command c : List.of(command("join", 1, 10), command("join", 2, 11), command("dead", 1, 20),
                command("join", 3, 21), command("leave", 3, 30))) {
                log.append(c);
                first.apply(c);
            }
        }
        Files.write(file, new byte[] {40, 0, 0, 0, 1, 2}, java.nio.file.StandardOpenOption.APPEND); // a record torn mid-write
        ControlService replayed = new ControlService();
        ControlLog.openAndReplay(file, replayed).close();
        assertEquals(first.members(), replayed.members(), "same commands, same tables (the torn last record skipped)");
        assertEquals(2, replayed.members().size());
    }

    @Test
    void placementGroupsSurviveAHeadRestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("control.log");
        java.util.List<NodeStatus> seen = new java.util.ArrayList<>();
        try (HeadTables tables = new HeadTables(file, 60_000, statuses -> seen.clear())) {
            tables.record(ControlService.Command.GROUP_CREATE, java.util.Map.of("id", "g1", "strategy", "SPREAD",
                "bundles", "CPU:1.0|CPU:2.0"));
            tables.record(ControlService.Command.GROUP_CREATE, java.util.Map.of("id", "g2", "strategy", "PACK", "bundles", "GPU:1.0"));
            tables.record(ControlService.Command.GROUP_PLACED, java.util.Map.of("id", "g1", "nodes", "a@10.0.0.1:1|b@10.0.0.2:1"));
            tables.record(ControlService.Command.GROUP_CREATE, java.util.Map.of("id", "g3", "strategy", "PACK", "bundles", "CPU:1.0"));
            tables.record(ControlService.Command.GROUP_REMOVE, java.util.Map.of("id", "g3"));
            org.junit.jupiter.api.Assertions.assertFalse(tables.record(ControlService.Command.GROUP_PLACED,
                java.util.Map.of("id", "g3", "nodes", "a@x:1")), "a group removed while placing is not placed");
        }
        try (HeadTables restarted = new HeadTables(file, 60_000, statuses -> { })) {
            assertEquals(2, restarted.groups().size());
            assertEquals("a@10.0.0.1:1|b@10.0.0.2:1", restarted.group("g1").nodes());
            assertEquals(false, restarted.group("g2").placed(), "still waiting to be placed");
            assertEquals(null, restarted.group("g3"));
        }
    }

    @Test
    void actorNamesAreClaimedPlacedAndFreedOnce() {
        ControlService service = new ControlService();
        java.util.function.BiFunction<String, java.util.Map<String, String>, Boolean> apply =
            (verb, fields) -> service.apply(new ControlService.Command(verb, 0, new java.util.LinkedHashMap<>(fields)));
        assertEquals(true, apply.apply(ControlService.Command.ACTOR_CLAIM, java.util.Map.of("name", "ps")));
        assertEquals(false, apply.apply(ControlService.Command.ACTOR_CLAIM, java.util.Map.of("name", "ps")), "taken");
        assertEquals("", service.namedActor("", "ps").place(), "pending until made");
        assertEquals(true, apply.apply(ControlService.Command.ACTOR_CLAIM, java.util.Map.of("name", "ps", "namespace", "other")),
            "a name is unique within its namespace only");
        assertEquals("other", service.namedActor("other", "ps").namespace());
        apply.apply(ControlService.Command.ACTOR_PLACED, java.util.Map.of("name", "ps", "place", "3@h:1", "class", "a.B"));
        assertEquals("3@h:1", service.namedActor("", "ps").place());
        assertEquals("", service.namedActor("other", "ps").place(), "the other namespace's is still being made");
        assertEquals(false, apply.apply(ControlService.Command.ACTOR_UNNAME, java.util.Map.of("name", "ps", "place", "9@h:1")),
            "only the actor that has the name frees it");
        assertEquals(true, apply.apply(ControlService.Command.ACTOR_UNNAME, java.util.Map.of("name", "ps", "place", "3@h:1")));
        assertEquals(null, service.namedActor("", "ps"));
    }
}
