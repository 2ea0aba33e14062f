package io.mobula.data.exec;

import java.io.Serializable;
import java.util.List;

import io.mobula.ObjectRef;
import io.mobula.data.Pair;

/**
 * One partition of a shuffle, as its task receives it: the refs of that partition's piece from
 * every map task. The refs travel nested in this value and the task reads them itself, so the
 * pieces go from the store to the task without passing through the driver.
 */
public record ShuffleColumn(int partition, List<ObjectRef<List<Pair<Object, Object>>>> pieces) implements Serializable {
}
