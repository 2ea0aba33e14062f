package io.mobula.ml.sgd;

import java.io.Serializable;

/**
 * One worker's gradient for one step: the mean gradient over its minibatch (L2 included), and the
 * minibatch's summed loss and row count so the server can report a mean training loss.
 */
public record Gradient(double[] values, double lossSum, int rows) implements Serializable {
}
