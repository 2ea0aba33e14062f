package io.mobula;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the calling code runs, as {@link Mobula#runtimeContext()} saw it when called (Ray's runtime
 * context): an immutable snapshot.
 *
 * @param jobId                    the job: the program that started the embedded node, or the
 *                                 connected driver; work it submits (and work that work submits)
 *                                 carries the same id, on whichever node it runs. 16 hex digits.
 * @param nodeId                   the node the calling code runs on, as {@link NodeInfo#id()} names it;
 *                                 outside a task, the node this program runs (the embedded node,
 *                                 or a connected driver's own node).
 * @param taskId                   the task or actor call running on the calling thread (32 hex
 *                                 digits, the id of its first result; the same for each of its
 *                                 retries); empty outside one.
 * @param actorId                  the actor whose thread this is, as the node running it numbers
 *                                 it ({@link ActorHandle#id()} on an embedded node); empty outside an actor.
 * @param wasCurrentActorRestarted whether that actor's instance has been built again after a
 *                                 failure (its constructor ran more than once); false outside an actor.
 */
public record RuntimeContext(String jobId, String nodeId, Optional<String> taskId, OptionalLong actorId,
                             boolean wasCurrentActorRestarted) {
    public RuntimeContext {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(actorId, "actorId");
    }
}
