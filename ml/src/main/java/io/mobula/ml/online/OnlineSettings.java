package io.mobula.ml.online;

/**
 * How {@link OnlineLearning} replays a stream: {@code eventsPerSecond} labelled events arrive at a
 * steady pace and are learned in micro-batches of {@code batchSize} (a new model served per
 * batch); {@code queryClients} threads query the serving actor meanwhile, pausing
 * {@code queryPauseMicros} between queries.
 */
public record OnlineSettings(int eventsPerSecond, int batchSize, int queryClients, long queryPauseMicros, double learningRate,
                             double l2) {
    public OnlineSettings {
        if (eventsPerSecond < 1 || batchSize < 1 || queryClients < 1 || queryPauseMicros < 0 || !(learningRate > 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("need events per second, batch size and query clients >= 1, a pause >= 0, a "
                + "positive learning rate and l2 >= 0, got " + eventsPerSecond + ", " + batchSize + ", " + queryClients + ", " + queryPauseMicros
                + ", " + learningRate + ", " + l2);
        }
    }

    /** 5,000 events/s, batches of 50 (100 models a second), 2 query clients pausing 200 µs, SGD rate 0.1, L2 0.001. */
    public static OnlineSettings defaults() {
        return new OnlineSettings(5_000, 50, 2, 200, 0.1, 1e-3);
    }
}
