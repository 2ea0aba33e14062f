package io.mobula.store.arena;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;

/**
 * A reader process for the cross-process tests. {@code ArenaReaderMain ARENA ID [ID...] [--hold]}:
 * for each id prints {@code <id> size=<n> getNanos=<t> fnv1a64=<hex> address=<a>}; with
 * {@code --hold} it keeps every object pinned, prints {@code holding} and sleeps until killed.
 */
public final class ArenaReaderMain {
    private ArenaReaderMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean hold = args[args.length - 1].equals("--hold");
        int ids = hold ? args.length - 1 : args.length;
        try (ArenaReader reader = new ArenaReader(Path.of(args[0]))) {
            for (int i = 1; i < ids; i++) {
                ObjectId id = ObjectId.parse(args[i]);
                reader.get(id, TimeUnit.SECONDS.toNanos(1)).close(); // warm the code path
                long start = System.nanoTime();
                ObjectView view = reader.get(id, TimeUnit.SECONDS.toNanos(10));
                long getNanos = System.nanoTime() - start;
                if (view == null) {
                    System.out.println(args[i] + " missing");
                    continue;
                }
                long base = reader.mappedAddress();
                boolean inPlace = view.data().address() >= base && view.data().address() + view.data().byteSize()
                    <= base + reader.layout().fileBytes();
                System.out.println(args[i] + " size=" + view.data().byteSize() + " getNanos=" + getNanos + " fnv1a64="
                    + Long.toHexString(Checksums.fnv1a64(view.data())) + " inPlace=" + inPlace);
                if (!hold) {
                    view.close();
                }
            }
            if (hold) {
                System.out.println("holding");
                System.out.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
        }
    }
}
