package io.mobula.gpu.bench;

import io.mobula.gpu.StoreMemoryPinner;

/** The pinned-store figure for the report. */
final class StoreMemoryPinnerAccess {
    private StoreMemoryPinnerAccess() {
    }

    static double pinnedMiB() {
        return StoreMemoryPinner.pinnedBytes() / (double) (1 << 20);
    }
}
