package io.mobula.data;

import java.util.List;

import io.mobula.ObjectRef;

/**
 * One partition of a shuffle, as the driver holds it: the refs of every map task's output (each
 * a list of pieces, one per partition). Only refs cross to tasks, each as an argument of its own,
 * so a shuffle runs the same on an embedded node and through a driver of a cluster.
 */
public record ShuffleColumn(int partition, List<ObjectRef<List<byte[]>>> mapOutputs) {
}
