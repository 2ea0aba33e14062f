package io.mobula;

import java.util.List;

/**
 * What {@link Mobula#wait} found: at most {@code numReturns} ready refs, and the rest, each list
 * in the order the refs were given.
 */
public record WaitResult<T>(List<ObjectRef<T>> ready, List<ObjectRef<T>> unready) {
    public WaitResult {
        ready = List.copyOf(ready);
        unready = List.copyOf(unready);
    }
}
