package io.mobula.cluster.objects;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * A node with a store, a media driver and an object manager, as its own process, for the
 * multi-host test (run inside a network namespace):
 * <ul>
 *   <li>{@code serve HOST PORT SECRET_FILE SIZE}: puts one object of SIZE bytes, prints
 *       {@code serving <id> crc32c=<hex>}, and serves until its standard input closes;</li>
 *   <li>{@code pull HOST PORT SECRET_FILE SOURCE ID}: pulls object ID from SOURCE (HOST:PORT) and
 *       prints {@code pulled <size> crc32c=<hex> seconds=<s>}.</li>
 * </ul>
 */
public final class ObjectNodeProcess {
    private ObjectNodeProcess() {
    }

    static String crc32c(MemorySegment data) {
        CRC32C crc = new CRC32C();
        long chunk = 1L << 30;
        for (long at = 0; at < data.byteSize(); at += chunk) {
            crc.update(data.asSlice(at, Math.min(chunk, data.byteSize() - at)).asByteBuffer());
        }
        return Long.toHexString(crc.getValue());
    }

    public static void main(String[] args) throws Exception {
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        ClusterSecret secret = ClusterSecret.readFrom(Path.of(args[3]));
        long capacity = args[0].equals("serve") ? Long.parseLong(args[4]) : 0;
        try (EmbeddedTransport transport = new EmbeddedTransport();
             ObjectStore store = new InProcessObjectStore(new StoreContext().capacityBytes((capacity == 0 ? 1L << 31 : capacity) + (64 << 20)));
             ObjectManager manager = new ObjectManager(new ObjectManagerContext().aeron(transport.aeron()).store(store).secret(secret)
                 .host(host).port(port).transferTimeoutNs(TimeUnit.SECONDS.toNanos(120)))) {
            if (args[0].equals("serve")) {
                ObjectId id = new ObjectId(0x5E4E, System.nanoTime());
                ObjectBuilder builder = store.create(id, capacity, 2);
                MemorySegment data = builder.data();
                for (long i = 0; i + 8 <= capacity; i += 8) {
                    data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L ^ (i >>> 17));
                }
                builder.seal();
                try (ObjectView view = store.get(id, 0)) {
                    System.out.println("serving " + id + " crc32c=" + crc32c(view.data()));
                }
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until the test closes our standard input
                }
            } else {
                long start = System.nanoTime();
                try (ObjectView view = manager.pull(ObjectId.parse(args[5]), args[4]).get(150, TimeUnit.SECONDS)) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.println("pulled " + view.data().byteSize() + " crc32c=" + crc32c(view.data()) + " seconds=" + seconds);
                }
            }
        }
    }
}
