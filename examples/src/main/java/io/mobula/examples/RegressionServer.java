package io.mobula.examples;

import java.util.Arrays;

/**
 * The parameter server of the parameter-server seed: an actor holding the weights of a linear
 * regression for many workers. They {@link #pull()} a copy, compute a gradient on their own data
 * and {@link #push(double[])} it back; each push is applied at once (no step barrier). Because an
 * actor runs one call at a time, updates never interleave, and no worker ever sees half an update.
 */
public final class RegressionServer {
    private final double[] parameters;
    private final double learningRate;
    private long updates;

    /** Starts from all-zero parameters. */
    public RegressionServer(int dimensions, double learningRate) {
        if (dimensions <= 0 || !(learningRate > 0)) {
            throw new IllegalArgumentException("need dimensions > 0 and learningRate > 0, got " + dimensions + ", " + learningRate);
        }
        this.parameters = new double[dimensions];
        this.learningRate = learningRate;
    }

    /** A copy of the parameters, so the caller's later changes cannot reach the server's. */
    public double[] pull() {
        return parameters.clone();
    }

    /** One step of gradient descent: {@code parameters -= learningRate * gradient}. */
    public void push(double[] gradient) {
        if (gradient.length != parameters.length) {
            throw new IllegalArgumentException("gradient has " + gradient.length + " entries, parameters " + parameters.length);
        }
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] -= learningRate * gradient[i];
        }
        updates++;
    }

    /** How many gradients have been applied. */
    public long updates() {
        return updates;
    }

    @Override
    public String toString() {
        return "RegressionServer" + Arrays.toString(parameters);
    }
}
