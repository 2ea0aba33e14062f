package io.mobula.data;

import java.io.Serializable;

/**
 * A key and a value: the rows {@link Dataset#reduceByKey} and {@link Dataset#groupByKey} return.
 *
 * @param key   the key, as the key function gave it.
 * @param value the reduced value, or the list of the key's rows.
 */
public record Pair<K, V>(K key, V value) implements Serializable {
    @Override
    public String toString() {
        return key + "\t" + value;
    }
}
