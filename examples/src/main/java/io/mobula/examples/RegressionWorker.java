package io.mobula.examples;

import io.mobula.ActorHandle;
import io.mobula.ObjectRef;

/**
 * The worker task of the parameter-server seed. It receives the server's handle as an argument
 * and calls the actor from inside the task, as Ray's parameter-server example does.
 */
public final class RegressionWorker {
    private RegressionWorker() {
    }

    /**
     * A task function: {@code steps} times, pull the parameters, compute the gradient on this
     * worker's shard and push it. Waits for its last push, so that once every worker's result is
     * ready, every gradient has been applied.
     *
     * @return the loss on this worker's shard at the parameters of its last pull.
     */
    public static double train(ActorHandle<RegressionServer> server, double[] trueWeights, int shard, int steps) {
        RegressionShard data = new RegressionShard(trueWeights, shard, ParameterServerSeed.ROWS_PER_SHARD);
        double[] weights = null;
        ObjectRef<Void> lastPush = null;
        for (int step = 0; step < steps; step++) {
            weights = server.task(RegressionServer::pull).remote().get();
            lastPush = server.task(RegressionServer::push, data.gradient(weights)).remote();
        }
        if (lastPush != null) {
            lastPush.get();
        }
        return weights == null ? Double.NaN : data.loss(weights);
    }
}
