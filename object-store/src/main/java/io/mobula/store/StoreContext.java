package io.mobula.store;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of an object store: defaults, fluent setters, validated once by {@link #conclude()}.
 */
public final class StoreContext {
    /** System property for the capacity in bytes. */
    public static final String CAPACITY_PROP_NAME = "mobula.store.capacity";
    /** Default capacity: 30% of the machine's physical memory. */
    public static final double CAPACITY_DEFAULT_FRACTION_OF_RAM = 0.30;
    /** System property for how long a create waits for room before failing. */
    public static final String CREATE_TIMEOUT_PROP_NAME = "mobula.store.create.timeout.ms";
    public static final long CREATE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);
    /** System property for the folder a shared-memory arena is created in. */
    public static final String DIRECTORY_PROP_NAME = "mobula.store.dir";
    /** Default folder of a shared-memory arena (the temp folder where it is missing). */
    public static final java.nio.file.Path DIRECTORY_DEFAULT = java.nio.file.Path.of("/dev/shm");

    private long capacityBytes = Long.getLong(CAPACITY_PROP_NAME, 0L);
    private long createTimeoutNs = Long.getLong(CREATE_TIMEOUT_PROP_NAME, -1L) < 0
        ? CREATE_TIMEOUT_DEFAULT_NS : TimeUnit.MILLISECONDS.toNanos(Long.getLong(CREATE_TIMEOUT_PROP_NAME));
    private Runnable pressureHook = () -> { };
    private java.nio.file.Path spillDirectory;
    private java.nio.file.Path directory = System.getProperty(DIRECTORY_PROP_NAME) == null ? null
        : java.nio.file.Path.of(System.getProperty(DIRECTORY_PROP_NAME));
    private java.nio.file.Path fallbackDirectory = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    private boolean concluded;

    /**
     * Called (without locks held) when a create finds no room, before it waits: the owner's chance
     * to free what it no longer refers to. An embedded node frees objects when their refs are
     * collected, so its hook asks for a collection.
     */
    public StoreContext pressureHook(Runnable pressureHook) {
        this.pressureHook = pressureHook;
        return this;
    }

    public Runnable pressureHook() {
        return pressureHook;
    }

    /**
     * Where objects go when the store is full and every object in it is still referenced: local
     * disk, restored on get. Null (the default for a bare store) means never spill: creates wait,
     * then fail.
     */
    public StoreContext spillDirectory(java.nio.file.Path spillDirectory) {
        this.spillDirectory = spillDirectory;
        return this;
    }

    public java.nio.file.Path spillDirectory() {
        return spillDirectory;
    }

    /**
     * The folder a shared-memory arena is created in: default {@code /dev/shm} (the temp folder
     * where that is missing). A folder too small for the capacity makes the store fall back to
     * {@link #fallbackDirectory(java.nio.file.Path)}, or shrink to fit.
     */
    public StoreContext directory(java.nio.file.Path directory) {
        this.directory = directory;
        return this;
    }

    public java.nio.file.Path directory() {
        return directory;
    }

    /**
     * Where the arena goes, as a disk-backed file, when {@link #directory()} cannot hold the whole
     * capacity (as Ray does when {@code /dev/shm} is small, in a container say): default the temp
     * folder; null never falls back (the store shrinks to what the folder holds).
     */
    public StoreContext fallbackDirectory(java.nio.file.Path fallbackDirectory) {
        this.fallbackDirectory = fallbackDirectory;
        return this;
    }

    public java.nio.file.Path fallbackDirectory() {
        return fallbackDirectory;
    }

    public StoreContext capacityBytes(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        return this;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public StoreContext createTimeoutNs(long createTimeoutNs) {
        this.createTimeoutNs = createTimeoutNs;
        return this;
    }

    public long createTimeoutNs() {
        return createTimeoutNs;
    }

    /** Fills defaults and checks every value; call once before use. */
    public StoreContext conclude() {
        if (concluded) {
            return this;
        }
        if (capacityBytes == 0) {
            capacityBytes = defaultCapacity();
        }
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("store capacity must be positive, got " + capacityBytes
                + " bytes; set it with capacityBytes(...) or -D" + CAPACITY_PROP_NAME);
        }
        if (createTimeoutNs < 0) {
            throw new IllegalArgumentException("store create timeout must be >= 0 ns, got " + createTimeoutNs);
        }
        if (directory == null) {
            directory = java.nio.file.Files.isDirectory(DIRECTORY_DEFAULT) ? DIRECTORY_DEFAULT
                : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        } else if (!java.nio.file.Files.isDirectory(directory)) {
            throw new IllegalArgumentException("the store directory " + directory + " is not a directory; create it, or "
                + "name an existing one (a tmpfs such as /dev/shm keeps objects in memory)");
        }
        concluded = true;
        return this;
    }

    static long defaultCapacity() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return (long) (os.getTotalMemorySize() * CAPACITY_DEFAULT_FRACTION_OF_RAM);
        }
        return 1L << 30;
    }
}
