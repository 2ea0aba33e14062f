package io.mobula.cluster.jobs;

import io.mobula.MobulaException;

/**
 * Work named a job the node has not heard of: its driver registers the job's class path when it
 * connects, so this is a node that started since (a head restarted under a driver connected to
 * it); the driver registers the job again and sends the work again.
 */
public final class JobNotKnownException extends MobulaException {
    public JobNotKnownException(String message) {
        super(message);
    }
}
