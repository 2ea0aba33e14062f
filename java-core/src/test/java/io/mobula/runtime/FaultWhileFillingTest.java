package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.StoreStats;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreFolderFullException;
import io.mobula.store.codec.ValueCodec;

/**
 * A put whose copy into the store's memory faults (a SIGBUS, which the JVM reports as an
 * InternalError) fails typed and aborts the object, so its slot is freed. The fault is real: the
 * builder's memory is a mapping of a file cut short after it was mapped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultWhileFillingTest {
    /** A store whose every object's memory is a mapping past the end of its file. */
    private static final class FaultingStore implements ObjectStore {
        final AtomicInteger aborted = new AtomicInteger();
        final MemorySegment beyondTheFile;

        FaultingStore(MemorySegment beyondTheFile) {
            this.beyondTheFile = beyondTheFile;
        }

        @Override
        public ObjectBuilder create(ObjectId id, long size, int kind) {
            return new ObjectBuilder() {
                @Override
                public ObjectId id() {
                    return id;
                }

                @Override
                public MemorySegment data() {
                    return beyondTheFile.asSlice(0, size);
                }

                @Override
                public void seal() {
                    throw new AssertionError("a faulted object must not be sealed");
                }

                @Override
                public void abort() {
                    aborted.incrementAndGet();
                }
            };
        }

        @Override
        public ObjectView get(ObjectId id, long timeoutNs) {
            return null;
        }

        @Override
        public boolean contains(ObjectId id) {
            return false;
        }

        @Override
        public boolean delete(ObjectId id) {
            return false;
        }

        @Override
        public StoreStats stats() {
            return new StoreStats(0, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFaultInTheCopyFailsThePutTypedAndAbortsTheObject() throws Exception {
        Path file = Files.createTempFile("mobula-fault-test-", ".bin");
        try (Arena mapping = Arena.ofShared();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4 << 20, mapping);
            channel.truncate(0); // every page of the mapping is now past the end of the file: a write is a SIGBUS
            FaultingStore store = new FaultingStore(mapped);
            ValueMarshaller marshaller = new ValueMarshaller(new ValueCodec(getClass().getClassLoader(), List.of()), store, 0,
                Cleaner.create(), () -> new ObjectId(61, 1));
            StoreFolderFullException failed = assertThrows(StoreFolderFullException.class,
                () -> marshaller.marshal(new byte[1 << 20], null));
            assertInstanceOf(InternalError.class, failed.getCause());
            assertTrue(failed.getMessage().contains("storeDirectory"), failed.getMessage());
            assertEquals(1, store.aborted.get(), "the object was aborted: its slot is freed");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
