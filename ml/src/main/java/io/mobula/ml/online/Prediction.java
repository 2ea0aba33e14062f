package io.mobula.ml.online;

import java.io.Serializable;

/** A served prediction: the probability of label 1, and the version of the model that made it. */
public record Prediction(double probability, long modelVersion) implements Serializable {
}
