package io.mobula.cluster.objects;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.mobula.store.ObjectId;

/**
 * The nodes a server knows to hold a complete copy of an object: the pullers it sent the object to
 * and that confirmed it arrived. A busy server redirects new pullers to them, rotating the list so
 * that they spread over all holders. A holder may have deleted its copy since; a puller sent there
 * hears MISSING and asks the next node, so the list needs no upkeep beyond a bound.
 */
final class Holders {
    /** Enough holders per object to spread any broadcast; older ones are dropped first. */
    private static final int MAX_PER_OBJECT = 64;

    private final Map<ObjectId, List<String>> holders = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();

    void add(ObjectId id, String address) {
        holders.compute(id, (key, list) -> {
            List<String> updated = list == null ? new ArrayList<>() : list;
            updated.remove(address);
            updated.add(address);
            if (updated.size() > MAX_PER_OBJECT) {
                updated.remove(0);
            }
            return updated;
        });
    }

    /** Up to {@code limit} holders of {@code id} other than {@code except}, starting at a rotating point. */
    List<String> others(ObjectId id, String except, int limit) {
        List<String> out = new ArrayList<>();
        holders.computeIfPresent(id, (key, list) -> {
            int start = Math.floorMod(rotation.getAndIncrement(), list.size());
            for (int i = 0; i < list.size() && out.size() < limit; i++) {
                String holder = list.get((start + i) % list.size());
                if (!holder.equals(except)) {
                    out.add(holder);
                }
            }
            return list;
        });
        return out;
    }

    /** {@code address} is gone (its node died): no puller is sent there any more. */
    void forgetHolder(String address) {
        holders.replaceAll((id, list) -> {
            list.remove(address);
            return list;
        });
        holders.values().removeIf(List::isEmpty);
    }

    void forget(ObjectId id) {
        holders.remove(id);
    }
}
