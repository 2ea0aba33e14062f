package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.Test;

import io.mobula.store.StoreException;

/** Where an arena goes and how large, for given free space in its folders (no mounting needed). */
class ArenaPlacementTest {
    private static final long MIB = 1 << 20;
    private static final Path SHM = Path.of("/store-folder");
    private static final Path TMP = Path.of("/fallback-folder");

    private static ToLongFunction<Path> free(long shm, long tmp) {
        Map<Path, Long> free = Map.of(SHM, shm, TMP, tmp);
        return free::get;
    }

    @Test
    void aStoreThatFitsGoesWhereItWasAskedUnchanged() {
        ArenaPlacement placement = ArenaPlacement.choose(256 * MIB, 32, SHM, TMP, free(1024 * MIB, 0));
        assertEquals(SHM, placement.directory());
        assertEquals(256 * MIB, placement.capacityBytes());
        assertNull(placement.note());
    }

    @Test
    void aFolderTooSmallSendsTheStoreToTheFallbackWhole() {
        ArenaPlacement placement = ArenaPlacement.choose(256 * MIB, 32, SHM, TMP, free(64 * MIB, 10_000 * MIB));
        assertEquals(TMP, placement.directory());
        assertEquals(256 * MIB, placement.capacityBytes());
        assertTrue(placement.note().contains("disk-backed") && placement.note().contains("--store-dir"), placement.note());
    }

    @Test
    void withoutRoomAnywhereTheStoreShrinksToTheRoomierFolderAndItsFilesFit() {
        for (ArenaPlacement placement : new ArenaPlacement[] {
            ArenaPlacement.choose(256 * MIB, 32, SHM, null, free(64 * MIB, 0)),
            ArenaPlacement.choose(256 * MIB, 32, SHM, TMP, free(64 * MIB, 16 * MIB))}) {
            assertEquals(SHM, placement.directory());
            long room = 64 * MIB - ArenaPlacement.MIN_MARGIN_BYTES;
            assertTrue(ArenaPlacement.footprint(placement.capacityBytes(), 32) <= room, "both files fit the room left");
            assertTrue(placement.capacityBytes() > room - 4 * MIB, "and not much less: " + placement.capacityBytes());
            assertTrue(placement.note().contains("is " + (placement.capacityBytes() >> 20) + " MiB in " + SHM),
                placement.note());
        }
    }

    @Test
    void noRoomForEvenASmallStoreIsATypedErrorWithTheFix() {
        StoreException refused = assertThrows(StoreException.class,
            () -> ArenaPlacement.choose(256 * MIB, 32, SHM, TMP, free(4 * MIB, 2 * MIB)));
        assertTrue(refused.getMessage().contains(SHM.toString()) && refused.getMessage().contains(TMP.toString())
            && refused.getMessage().contains("--shm-size"), refused.getMessage());
    }
}
