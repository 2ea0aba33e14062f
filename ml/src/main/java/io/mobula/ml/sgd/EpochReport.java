package io.mobula.ml.sgd;

/**
 * What one epoch did: the mean training loss per row of the minibatches its gradients were taken
 * on (one-vs-rest: summed over classes, L2 not included), the accuracy on the rows held out for
 * evaluation, the parameter server's update count at its end, and the time since training began.
 */
public record EpochReport(int epoch, double trainLoss, double heldOutAccuracy, long updates, double elapsedSeconds) {
}
