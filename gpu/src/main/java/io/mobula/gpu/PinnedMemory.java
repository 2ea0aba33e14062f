package io.mobula.gpu;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A native {@link MemorySegment} (an object-store block, say) page-locked for the GPUs, so copies
 * between it and device memory run by DMA at full bus speed instead of through a staging buffer.
 * Registration is portable: every device's context sees the memory as pinned.
 * <pre>{@code
 * try (PinnedMemory pinned = PinnedMemory.register(segment)) {
 *     DeviceArray x = pinned.toDevice(gpu, 0, n);       // n floats from offset 0
 *     pinned.fromDevice(result, 0);                      // back into the segment
 * }
 * }</pre>
 * Copies return once complete, so the segment may be changed or closed afterwards. Close this
 * (unregisters) before the segment's arena frees the memory. Not thread safe to close while a copy
 * runs; copies from several threads are fine.
 */
public final class PinnedMemory implements AutoCloseable {
    private final MemorySegment segment;
    private final Pointer host;
    private final PrimaryContext registeredIn;
    private boolean closed;

    private PinnedMemory(MemorySegment segment, Pointer host, PrimaryContext registeredIn) {
        this.segment = segment;
        this.host = host;
        this.registeredIn = registeredIn;
    }

    /** Registers {@code segment} through GPU 0's context (portable: every device sees it pinned). */
    public static PinnedMemory register(MemorySegment segment) {
        return register(GpuContext.forDevice(0), segment);
    }

    /**
     * Page-locks {@code segment} with {@code cuMemHostRegister}.
     *
     * @throws IllegalArgumentException if the segment is not native memory, or is empty.
     */
    public static PinnedMemory register(GpuContext gpu, MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("only native memory can be pinned; " + segment + " is on the Java heap");
        }
        if (segment.byteSize() == 0) {
            throw new IllegalArgumentException("cannot pin an empty segment");
        }
        Pointer host = new AddressPointer(segment.address());
        gpu.bind();
        JCudaDriver.cuMemHostRegister(host, segment.byteSize(), JCudaDriver.CU_MEMHOSTREGISTER_PORTABLE);
        return new PinnedMemory(segment, host, gpu.primary());
    }

    /** The registered memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** A JCuda pointer to the segment's first byte, for copies of one's own (e.g. async on a stream). */
    public Pointer hostPointer() {
        return host;
    }

    /** Copies {@code bytes} from the segment at {@code offset} to {@code device}; returns when done. */
    public void copyToDevice(GpuContext gpu, long offset, CUdeviceptr device, long bytes) {
        check(offset, bytes);
        gpu.bind();
        JCudaDriver.cuMemcpyHtoDAsync(device, host.withByteOffset(offset), bytes, gpu.stream());
        JCudaDriver.cuStreamSynchronize(gpu.stream());
    }

    /** Copies {@code bytes} from {@code device} into the segment at {@code offset}; returns when done. */
    public void copyFromDevice(GpuContext gpu, CUdeviceptr device, long offset, long bytes) {
        check(offset, bytes);
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException("the segment is read-only; copy into a writable one");
        }
        gpu.bind();
        JCudaDriver.cuMemcpyDtoHAsync(host.withByteOffset(offset), device, bytes, gpu.stream());
        JCudaDriver.cuStreamSynchronize(gpu.stream());
    }

    /** A new device array of {@code floats} floats read from the segment at {@code offset}. */
    public DeviceArray toDevice(GpuContext gpu, long offset, int floats) {
        check(offset, (long) floats * Float.BYTES);
        DeviceArray array = gpu.allocateFloats(floats);
        copyToDevice(gpu, offset, array.pointer(), array.byteSize());
        Reference.reachabilityFence(array);
        return array;
    }

    /** Writes {@code array}'s contents (after its last write) into the segment at {@code offset}. */
    public void fromDevice(DeviceArray array, long offset) {
        GpuContext gpu = GpuContext.forDevice(array.deviceOrdinal());
        array.awaitOn(gpu);
        copyFromDevice(gpu, array.pointer(), offset, array.byteSize());
        Reference.reachabilityFence(array);
    }

    private void check(long offset, long bytes) {
        if (closed) {
            throw new IllegalStateException("this PinnedMemory is closed");
        }
        if (offset < 0 || bytes < 0 || offset + bytes > segment.byteSize()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + bytes) + ") are outside the "
                + segment.byteSize() + "-byte segment");
        }
    }

    /** Unregisters the memory (it stays allocated: its arena owns it). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            registeredIn.bind();
            JCudaDriver.cuMemHostUnregister(host);
        }
    }
}
