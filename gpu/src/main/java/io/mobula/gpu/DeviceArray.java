package io.mobula.gpu;

import java.lang.foreign.MemorySegment;

import java.lang.ref.Reference;

import io.mobula.spi.DeviceResident;
import io.mobula.store.codec.ValueKind;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A one-dimensional array in a GPU's memory. A task may return one, and the runtime keeps it where
 * it is: a later task on the same device receives this very object, a task on another device a
 * copy there ({@link #copyToDevice}), and {@code get} on the host a {@code float[]} or {@code int[]}
 * ({@link #toHost}, made once by the runtime).
 * <p>
 * Immutable by convention, as every Mobula value: the kernels in {@link GpuKernels} write only
 * arrays they create. Its device memory is freed by a cleaner once the array is unreachable, after
 * the work in flight on its device is done. Contents are ready when the event of the last write
 * has fired; launches through {@link GpuContext#launch} and the copies here wait for it.
 */
public final class DeviceArray implements DeviceResident {
    /** The element types the kernels use. */
    public enum ElementType {
        FLOAT32(Float.BYTES),
        INT32(Integer.BYTES);

        private final int bytes;

        ElementType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    private final DeviceMemory memory;
    private final int length;
    private final ElementType type;

    private DeviceArray(DeviceMemory memory, int length, ElementType type) {
        this.memory = memory;
        this.length = length;
        this.type = type;
        GpuCleaner.CLEANER.register(this, memory); // memory refers not to this array, so it can become unreachable
    }

    /** A new array of {@code length} elements on {@code gpu}'s device; its contents are undefined. */
    static DeviceArray allocate(GpuContext gpu, ElementType type, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return new DeviceArray(DeviceMemory.allocate(gpu.primary(), (long) length * type.bytes()), length, type);
    }

    /** Copies {@code values} to {@code gpu}'s device; returns once the host array may be reused. */
    public static DeviceArray fromHost(GpuContext gpu, float[] values) {
        DeviceArray array = allocate(gpu, ElementType.FLOAT32, values.length);
        array.upload(Pointer.to(values));
        return array;
    }

    /** Copies {@code values} (such as class labels) to {@code gpu}'s device. */
    public static DeviceArray fromHost(GpuContext gpu, int[] values) {
        DeviceArray array = allocate(gpu, ElementType.INT32, values.length);
        array.upload(Pointer.to(values));
        return array;
    }

    /**
     * Copies {@code count} elements of {@code type} from native memory, such as a store object's
     * bytes (a read-only {@code MemorySegment} from {@code get}): from the store, the copy runs by DMA
     * from page-locked memory, with no staging buffer.
     */
    public static DeviceArray fromSegment(GpuContext gpu, MemorySegment source, ElementType type) {
        if (!source.isNative()) {
            throw new IllegalArgumentException("fromSegment copies native memory; for a heap array use fromHost");
        }
        if (source.byteSize() % type.bytes() != 0 || source.byteSize() / type.bytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + source.byteSize() + "-byte segment is not a whole number of "
                + type + " elements (or too many)");
        }
        DeviceArray array = allocate(gpu, type, (int) (source.byteSize() / type.bytes()));
        array.copyFrom(source);
        return array;
    }

    /**
     * Overwrites this array with {@code source}'s bytes (exactly {@link #byteSize()} of them), by DMA
     * from page-locked store memory where {@code source} is a store object. Returns once copied.
     * For refilling a device buffer from the store without a new allocation.
     */
    public void copyFrom(MemorySegment source) {
        if (source.byteSize() != memory.bytes) {
            throw new IllegalArgumentException("the source is " + source.byteSize() + " bytes; this array is " + memory.bytes);
        }
        if (memory.bytes > 0) {
            memory.owner.bind();
            for (long[] piece : StoreMemoryPinner.pinnedPieces(source)) {
                JCudaDriver.cuMemcpyHtoD(memory.pointer.withByteOffset(piece[0]), new AddressPointer(source.address() + piece[0]),
                    piece[1]);
            }
        }
        Reference.reachabilityFence(source);
        Reference.reachabilityFence(this);
    }

    /** A synchronous copy on the legacy default stream, which every context stream waits for. */
    private void upload(Pointer host) {
        if (memory.bytes > 0) {
            memory.owner.bind();
            JCudaDriver.cuMemcpyHtoD(memory.pointer, host, memory.bytes);
        }
        Reference.reachabilityFence(this);
    }

    @Override
    public int deviceOrdinal() {
        return memory.owner.ordinal();
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    public ElementType elementType() {
        return type;
    }

    /** Size in bytes. */
    public long byteSize() {
        return memory.bytes;
    }

    /**
     * The device pointer, for launches of one's own. Valid while this array is reachable: keep a
     * reference to the array (not only the pointer) until the work using it is enqueued.
     */
    public CUdeviceptr pointer() {
        return memory.pointer;
    }

    /** @return a {@code float[]} or an {@code int[]}, after the last write; what the host's {@code get} receives. */
    @Override
    public Object toHost() {
        return type == ElementType.FLOAT32 ? toFloatArray() : toIntArray();
    }

    @Override
    public long hostBytes() {
        return memory.bytes;
    }

    @Override
    public int hostKind() {
        return type == ElementType.FLOAT32 ? ValueKind.FLOATS : ValueKind.INTS;
    }

    /** Writes the contents (after the last write) into {@code target}, by DMA when it is store memory. */
    @Override
    public void copyToHost(MemorySegment target) {
        if (target.byteSize() != memory.bytes) {
            throw new IllegalArgumentException("the target is " + target.byteSize() + " bytes; this array is " + memory.bytes);
        }
        if (memory.bytes > 0) {
            memory.owner.bind();
            JCudaDriver.cuEventSynchronize(memory.written);
            for (long[] piece : StoreMemoryPinner.pinnedPieces(target)) {
                JCudaDriver.cuMemcpyDtoH(new AddressPointer(target.address() + piece[0]),
                    memory.pointer.withByteOffset(piece[0]), piece[1]);
            }
        }
        Reference.reachabilityFence(target);
        Reference.reachabilityFence(this);
    }

    /** The contents, after the last write. */
    public float[] toFloatArray() {
        require(ElementType.FLOAT32);
        float[] host = new float[length];
        download(Pointer.to(host));
        return host;
    }

    /** The contents, after the last write. */
    public int[] toIntArray() {
        require(ElementType.INT32);
        int[] host = new int[length];
        download(Pointer.to(host));
        return host;
    }

    private void download(Pointer host) {
        if (memory.bytes > 0) {
            memory.owner.bind();
            JCudaDriver.cuEventSynchronize(memory.written);
            JCudaDriver.cuMemcpyDtoH(host, memory.pointer, memory.bytes);
        }
        Reference.reachabilityFence(this);
    }

    /**
     * A copy on device {@code ordinal} (this array itself if it is there already), complete when
     * this returns. The calling thread's stream on the target device does the copy, directly
     * between the devices where they can reach each other, through the host otherwise.
     */
    @Override
    public DeviceArray copyToDevice(int ordinal) {
        if (ordinal == deviceOrdinal()) {
            return this;
        }
        GpuContext target = GpuContext.forDevice(ordinal);
        DeviceArray copy = allocate(target, type, length);
        if (memory.bytes > 0) {
            target.bind();
            JCudaDriver.cuStreamWaitEvent(target.stream(), memory.written, 0);
            JCudaDriver.cuMemcpyPeerAsync(copy.memory.pointer, target.primary().context(), memory.pointer,
                memory.owner.context(), memory.bytes, target.stream());
            target.synchronize();
        }
        Reference.reachabilityFence(this);
        return copy;
    }

    /**
     * Records that work just enqueued on {@code gpu}'s stream writes this array: later launches on
     * other streams, and copies to the host, wait for it. Call it once the writing kernel is
     * enqueued and before the array is shared (returned from a task, handed to another thread).
     */
    public void markWritten(GpuContext gpu) {
        if (gpu.deviceOrdinal() != deviceOrdinal()) {
            throw new IllegalArgumentException("this array is on GPU " + deviceOrdinal() + ", not GPU " + gpu.deviceOrdinal());
        }
        gpu.bind();
        JCudaDriver.cuEventRecord(memory.written, gpu.stream());
        memory.writtenOn = gpu.stream();
    }

    /** Makes {@code gpu}'s stream wait for this array's last write (nothing to do on the stream that wrote it). */
    void awaitOn(GpuContext gpu) {
        if (memory.writtenOn != null && memory.writtenOn != gpu.stream()) {
            JCudaDriver.cuStreamWaitEvent(gpu.stream(), memory.written, 0);
        }
    }

    private void require(ElementType expected) {
        if (type != expected) {
            throw new IllegalStateException("this is a " + type + " array, not " + expected);
        }
    }

    @Override
    public String toString() {
        return "DeviceArray[" + type + " x " + length + " on GPU " + deviceOrdinal() + "]";
    }
}
