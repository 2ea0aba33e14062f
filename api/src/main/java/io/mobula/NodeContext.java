package io.mobula;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import io.mobula.spi.GpuDetector;

/**
 * Configuration of an embedded node: its resources, object store and threading. Defaults come
 * from the machine and from system properties ({@code *_PROP_NAME}); setters are fluent;
 * {@link #conclude()} validates everything once, before the node starts.
 * <pre>{@code
 * try (Mobula mobula = Mobula.init(new NodeContext().cpus(8).resource("camera", 1))) { ... }
 * }</pre>
 */
public final class NodeContext {
    public static final String CPUS_PROP_NAME = "mobula.cpus";
    public static final String GPUS_PROP_NAME = "mobula.gpus";
    public static final String INLINE_THRESHOLD_PROP_NAME = "mobula.inline.threshold";
    /** Values up to this size travel inline, on the heap; larger ones go into the object store. */
    public static final long INLINE_THRESHOLD_DEFAULT = 100 * 1024;
    public static final String STORE_CAPACITY_PROP_NAME = "mobula.store.capacity";
    public static final int RING_SIZE_DEFAULT = 1 << 16;
    public static final int MAX_WORKERS_DEFAULT = 1024;
    public static final long SPIN_BEFORE_PARK_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(50);
    public static final int SPIN_ITERATIONS_DEFAULT = 200;
    public static final long WORKER_KEEP_ALIVE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);
    /** How an anonymous namespace's name begins (a random UUID follows). */
    public static final String ANONYMOUS_NAMESPACE_PREFIX = "anonymous-";

    private double cpus = Double.parseDouble(System.getProperty(CPUS_PROP_NAME, "0"));
    /** Negative until set: then {@link #conclude()} asks the GPU detectors on the class path. */
    private double gpus = Double.parseDouble(System.getProperty(GPUS_PROP_NAME, "-1"));
    private double memoryBytes;
    private final Map<String, Double> customResources = new LinkedHashMap<>();
    private long storeCapacityBytes = Long.getLong(STORE_CAPACITY_PROP_NAME, 0L);
    private long storeCreateTimeoutNs = TimeUnit.SECONDS.toNanos(10);
    private long inlineThresholdBytes = Long.getLong(INLINE_THRESHOLD_PROP_NAME, INLINE_THRESHOLD_DEFAULT);
    private int ringSize = RING_SIZE_DEFAULT;
    private int maxWorkers = MAX_WORKERS_DEFAULT;
    private long workerKeepAliveNs = WORKER_KEEP_ALIVE_DEFAULT_NS;
    private long spinBeforeParkNs = SPIN_BEFORE_PARK_DEFAULT_NS;
    private int spinIterations = SPIN_ITERATIONS_DEFAULT;
    private long shutdownTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private boolean sharedArena = !Boolean.getBoolean("mobula.store.inprocess");
    private boolean prefaultArena = Boolean.getBoolean("mobula.store.prefault");
    private Path spillDirectory;
    private Path storeDirectory;
    private int isolatedWorkers;
    private String namespace;
    private boolean concluded;

    /** Logical CPUs the node schedules (default: the machine's processors). May exceed the real count. */
    public NodeContext cpus(double cpus) {
        this.cpus = cpus;
        return this;
    }

    /** GPUs the node schedules (default: those the detectors on the class path find, else none). */
    public NodeContext gpus(double gpus) {
        this.gpus = gpus;
        return this;
    }

    /** The {@code memory} resource in bytes (default: 70% of physical memory less the store). */
    public NodeContext memoryBytes(double memoryBytes) {
        this.memoryBytes = memoryBytes;
        return this;
    }

    /** Declares a custom resource, such as a label with an amount. */
    public NodeContext resource(String name, double amount) {
        if ("CPU".equals(name)) {
            return cpus(amount);
        }
        if ("GPU".equals(name)) {
            return gpus(amount);
        }
        if ("memory".equals(name)) {
            return memoryBytes(amount);
        }
        customResources.put(name, amount);
        return this;
    }

    public NodeContext storeCapacityBytes(long bytes) {
        this.storeCapacityBytes = bytes;
        return this;
    }

    /** How long a large put or result waits for room in a full store before it fails. */
    public NodeContext storeCreateTimeout(long duration, TimeUnit unit) {
        this.storeCreateTimeoutNs = unit.toNanos(duration);
        return this;
    }

    /**
     * Where large objects live: {@code true} (the default) a shared-memory arena under
     * {@code /dev/shm} that other local processes can map and read in place; {@code false} memory
     * private to this process.
     */
    public NodeContext sharedArena(boolean sharedArena) {
        this.sharedArena = sharedArena;
        return this;
    }

    public boolean sharedArena() {
        return sharedArena;
    }

    /** Populate the arena's pages in the background at start, so first puts do not page-fault. */
    public NodeContext prefaultArena(boolean prefaultArena) {
        this.prefaultArena = prefaultArena;
        return this;
    }

    public boolean prefaultArena() {
        return prefaultArena;
    }

    /**
     * Where the arena moves objects when it is full of objects still referenced (restored on get);
     * default: a folder of the node's own under the temp directory, removed when the node stops.
     */
    public NodeContext spillDirectory(Path spillDirectory) {
        this.spillDirectory = spillDirectory;
        return this;
    }

    /** Where the store spills objects to make room; null: a fresh folder the node makes under the temp folder. */
    public Path spillDirectory() {
        return spillDirectory;
    }

    /**
     * The folder the shared-memory arena is created in: default {@code /dev/shm} (a tmpfs, so the
     * objects live in memory). If it cannot hold the store's capacity (a container's 64 MiB
     * {@code /dev/shm}, say), the arena becomes a disk-backed file in the temp folder, or shrinks to
     * what the folders hold; the store's description says which.
     */
    public NodeContext storeDirectory(Path storeDirectory) {
        this.storeDirectory = storeDirectory;
        return this;
    }

    /** The arena's folder; null: the default, {@code /dev/shm}. */
    public Path storeDirectory() {
        return storeDirectory;
    }

    public NodeContext inlineThresholdBytes(long bytes) {
        this.inlineThresholdBytes = bytes;
        return this;
    }

    /** Slots of the scheduler's ring; a power of two. */
    public NodeContext ringSize(int ringSize) {
        this.ringSize = ringSize;
        return this;
    }

    public NodeContext maxWorkers(int maxWorkers) {
        this.maxWorkers = maxWorkers;
        return this;
    }

    /**
     * How long a worker thread beyond one per CPU stays without work before it ends (default 10 s).
     * Such workers are started while tasks lend their CPU in {@code get} or {@code wait}.
     */
    public NodeContext workerKeepAlive(long duration, TimeUnit unit) {
        this.workerKeepAliveNs = unit.toNanos(duration);
        return this;
    }

    /** How long an idle thread spins and yields before it parks (latency against idle CPU). */
    public NodeContext spinBeforePark(long duration, TimeUnit unit) {
        this.spinBeforeParkNs = unit.toNanos(duration);
        return this;
    }

    public NodeContext spinIterations(int spinIterations) {
        this.spinIterations = spinIterations;
        return this;
    }

    public NodeContext shutdownTimeout(long duration, TimeUnit unit) {
        this.shutdownTimeoutNs = unit.toNanos(duration);
        return this;
    }

    /**
     * Worker processes (JVMs) for isolated tasks and actors to start with the node and keep warm
     * (default 0: the first isolated task or actor starts them, and from then on the node keeps one
     * spare ready). With {@code n > 0}, {@code n} start with the node and {@code n} spares are kept,
     * so isolated work does not wait for a JVM to boot. More start on demand.
     */
    public NodeContext isolatedWorkers(int n) {
        this.isolatedWorkers = n;
        return this;
    }

    public int isolatedWorkers() {
        return isolatedWorkers;
    }

    /**
     * The job's namespace: where its named actors are created and {@code getActor(name)} looks.
     * Without one, the job gets an anonymous namespace of its own (as Ray's drivers do), so its names
     * never meet another job's; jobs that share named actors set the same namespace.
     *
     * @throws IllegalArgumentException if it is blank, longer than 256 characters, or holds a
     *                                  control character.
     */
    public NodeContext namespace(String namespace) {
        this.namespace = namespace == null ? null : ActorNames.checked("namespace", namespace); // null: unset
        return this;
    }

    /** The job's namespace (after {@link #conclude()}: an anonymous one if none was set). */
    public String namespace() {
        return namespace;
    }

    /** Fills defaults from the machine and validates every value. Idempotent. */
    public NodeContext conclude() {
        if (concluded) {
            return this;
        }
        if (cpus == 0) {
            cpus = Runtime.getRuntime().availableProcessors();
        }
        if (gpus < 0) {
            gpus = detectGpus();
        }
        long ram = physicalMemory();
        if (storeCapacityBytes == 0) {
            storeCapacityBytes = (long) (ram * 0.30);
        }
        if (memoryBytes == 0) {
            memoryBytes = Math.max(0, ram * 0.70 - storeCapacityBytes);
        }
        require(cpus > 0 && Double.isFinite(cpus), "cpus must be > 0, got " + cpus);
        require(gpus >= 0 && Double.isFinite(gpus), "gpus must be >= 0, got " + gpus);
        require(memoryBytes >= 0, "memoryBytes must be >= 0, got " + memoryBytes);
        customResources.forEach((name, amount) -> require(name != null && !name.isBlank() && amount != null && amount >= 0
            && Double.isFinite(amount), "custom resource '" + name + "' must have a name and an amount >= 0, got " + amount));
        require(storeCapacityBytes > 0, "storeCapacityBytes must be > 0, got " + storeCapacityBytes);
        require(storeCreateTimeoutNs >= 0, "storeCreateTimeout must be >= 0");
        require(storeDirectory == null || java.nio.file.Files.isDirectory(storeDirectory), "storeDirectory " + storeDirectory
            + " is not a directory; create it or name an existing one (default /dev/shm)");
        require(inlineThresholdBytes >= 0, "inlineThresholdBytes must be >= 0, got " + inlineThresholdBytes);
        require(ringSize > 0 && Integer.bitCount(ringSize) == 1, "ringSize must be a power of two, got " + ringSize);
        require(maxWorkers > 0, "maxWorkers must be > 0, got " + maxWorkers);
        require(workerKeepAliveNs > 0, "workerKeepAlive must be > 0, got " + workerKeepAliveNs + " ns");
        require(spinBeforeParkNs >= 0 && spinIterations >= 0, "spin settings must be >= 0");
        require(shutdownTimeoutNs >= 0, "shutdownTimeout must be >= 0");
        require(isolatedWorkers >= 0, "isolatedWorkers must be >= 0, got " + isolatedWorkers);
        require(namespace == null || !namespace.isBlank(), "namespace must not be blank; leave it unset for an anonymous one");
        if (namespace == null) {
            namespace = ANONYMOUS_NAMESPACE_PREFIX + java.util.UUID.randomUUID();
        }
        concluded = true;
        return this;
    }

    /** The GPUs the first detector that finds any reports; none without a detector or a driver. */
    static int detectGpus() {
        for (GpuDetector detector : ServiceLoader.load(GpuDetector.class)) {
            int found = detector.detect().size();
            if (found > 0) {
                return found;
            }
        }
        return 0;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid node configuration: " + message);
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 4L << 30;
    }

    /** Every resource the node advertises, by name. */
    public Map<String, Double> resources() {
        Map<String, Double> all = new LinkedHashMap<>();
        all.put("CPU", cpus);
        all.put("GPU", gpus);
        all.put("memory", memoryBytes);
        all.putAll(customResources);
        return all;
    }

    public double cpus() {
        return cpus;
    }

    public long storeCapacityBytes() {
        return storeCapacityBytes;
    }

    public long storeCreateTimeoutNs() {
        return storeCreateTimeoutNs;
    }

    public long inlineThresholdBytes() {
        return inlineThresholdBytes;
    }

    public int ringSize() {
        return ringSize;
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    public long workerKeepAliveNs() {
        return workerKeepAliveNs;
    }

    public long spinBeforeParkNs() {
        return spinBeforeParkNs;
    }

    public int spinIterations() {
        return spinIterations;
    }

    public long shutdownTimeoutNs() {
        return shutdownTimeoutNs;
    }
}
