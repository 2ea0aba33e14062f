package io.mobula.cluster.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.mobula.cluster.wire.GroupMessages;

/**
 * The head's cluster tables as a deterministic state machine: it changes only by {@link #apply}ing
 * commands, in order, and the same commands always give the same tables (times travel inside the
 * commands, never read from a clock here). So the head can log every command and rebuild its tables
 * after a restart by replaying the log ({@link ControlLog}).
 * <p>
 * Its tables: node membership (who joined, with what resources, their last reported use, and
 * whether they are alive), placement groups (asked for, placed where) and named actors (the
 * cluster's actor directory: which name lives where). Not thread safe: the head
 * applies commands one at a time.
 */
public final class ControlService {
    /** A command: its verb, the node's id and its fields; on the wire and in the log a ControlCommand ({@link ControlCommands}). */
    public record Command(String verb, long nodeId, Map<String, String> fields) {
        public static final String JOIN = "join";
        public static final String HEARTBEAT = "heartbeat";
        public static final String LEAVE = "leave";
        public static final String DEAD = "dead";
        public static final String GROUP_CREATE = "pg-create";
        public static final String GROUP_PLACED = "pg-placed";
        public static final String GROUP_REMOVE = "pg-remove";
        public static final String ACTOR_CLAIM = "actor-claim";
        public static final String ACTOR_PLACED = "actor-placed";
        public static final String ACTOR_UNNAME = "actor-unname";
    }

    /**
     * A placement group as the head knows it: its strategy and bundles (as {@link GroupMessages}
     * writes them) and, once placed, each bundle's node ({@code id@address|...}; empty until then).
     */
    public record Group(String id, String strategy, String bundles, String nodes) {
        public boolean placed() {
            return !nodes.isEmpty();
        }
    }

    /**
     * A named actor: its name, unique within its namespace; where it lives ({@code id@address}; empty
     * while it is being made) and its class.
     */
    public record NamedActor(String namespace, String name, String place, String className) {
    }

    /** A name within its namespace; ordered by namespace, then name. */
    private record NameKey(String namespace, String name) implements Comparable<NameKey> {
        @Override
        public int compareTo(NameKey other) {
            int byNamespace = namespace.compareTo(other.namespace);
            return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
        }
    }

    /** One node as the head knows it. */
    public record Member(long nodeId, Map<String, String> status, boolean alive, long lastSeenMs) {
    }

    private final Map<Long, Member> members = new TreeMap<>();
    private final Map<String, Group> groups = new TreeMap<>();
    private final Map<NameKey, NamedActor> names = new TreeMap<>();
    private long applied;

    /**
     * Applies a command.
     *
     * @return true if it changed the tables (a heartbeat from an unknown or dead node does not:
     *         a node declared dead must join again, and is fenced until it does).
     */
    public boolean apply(Command command) {
        applied++;
        Member member = members.get(command.nodeId());
        long time = Long.parseLong(command.fields().getOrDefault("time", "0"));
        switch (command.verb()) {
            case Command.JOIN -> {
                members.put(command.nodeId(), new Member(command.nodeId(), status(command), true, time));
                return true;
            }
            case Command.HEARTBEAT -> {
                if (member == null || !member.alive()) {
                    return false;
                }
                members.put(command.nodeId(), new Member(command.nodeId(), status(command), true, time));
                return true;
            }
            case Command.LEAVE -> {
                return members.remove(command.nodeId()) != null;
            }
            case Command.DEAD -> {
                if (member == null || !member.alive()) {
                    return false;
                }
                members.put(command.nodeId(), new Member(command.nodeId(), member.status(), false, member.lastSeenMs()));
                return true;
            }
            case Command.GROUP_CREATE -> {
                String id = required(command, "id");
                return groups.putIfAbsent(id, new Group(id, required(command, "strategy"), required(command, "bundles"), "")) == null;
            }
            case Command.GROUP_PLACED -> {
                Group group = groups.get(required(command, "id"));
                if (group == null) {
                    return false; // removed while it was being placed
                }
                groups.put(group.id(), new Group(group.id(), group.strategy(), group.bundles(), required(command, "nodes")));
                return true;
            }
            case Command.GROUP_REMOVE -> {
                return groups.remove(required(command, "id")) != null;
            }
            case Command.ACTOR_CLAIM -> {
                NameKey key = nameKey(command);
                return names.putIfAbsent(key, new NamedActor(key.namespace(), key.name(), "", "")) == null;
            }
            case Command.ACTOR_PLACED -> {
                NameKey key = nameKey(command);
                if (!names.containsKey(key)) {
                    return false; // unnamed while it was being made
                }
                names.put(key, new NamedActor(key.namespace(), key.name(), required(command, "place"), required(command, "class")));
                return true;
            }
            case Command.ACTOR_UNNAME -> {
                NameKey key = nameKey(command);
                NamedActor named = names.get(key);
                String place = command.fields().getOrDefault("place", "");
                if (named == null || !named.place().equals(place)) {
                    return false; // another actor has the name by now
                }
                names.remove(key);
                return true;
            }
            default -> throw new IllegalArgumentException("unknown control command '" + command.verb() + "'");
        }
    }

    /** An actor command's name and namespace (a log written before namespaces: the empty one). */
    private static NameKey nameKey(Command command) {
        return new NameKey(command.fields().getOrDefault("namespace", ""), required(command, "name"));
    }

    private static String required(Command command, String field) {
        String value = command.fields().get(field);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("control command '" + command.verb() + "' lacks its " + field);
        }
        return value;
    }

    /** The placement groups, placed or waiting to be. */
    public List<Group> groups() {
        return List.copyOf(groups.values());
    }

    public Group group(String id) {
        return groups.get(id);
    }

    /** The actor named {@code name} in {@code namespace}, or null. */
    public NamedActor namedActor(String namespace, String name) {
        return names.get(new NameKey(namespace, name));
    }

    private static Map<String, String> status(Command command) {
        Map<String, String> status = new LinkedHashMap<>(command.fields());
        status.remove("time");
        return status;
    }

    /**
     * The head restarted at {@code nowMs}: the members its log says are alive get a full dead-after
     * time from now to be heard again (their heartbeats stopped only because the head was away).
     */
    public void restartedAt(long nowMs) {
        members.replaceAll((id, m) -> m.alive() ? new Member(id, m.status(), true, Math.max(m.lastSeenMs(), nowMs)) : m);
    }

    /** Members alive whose last heartbeat is older than {@code deadlineMs} (to be declared dead). */
    public List<Long> silentSince(long deadlineMs) {
        List<Long> silent = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.alive() && m.lastSeenMs() < deadlineMs) {
                silent.add(m.nodeId());
            }
        }
        return silent;
    }

    public List<Member> members() {
        return List.copyOf(members.values());
    }

    /** How many commands have been applied (a restored service counts the replayed ones). */
    public long appliedCount() {
        return applied;
    }
}
