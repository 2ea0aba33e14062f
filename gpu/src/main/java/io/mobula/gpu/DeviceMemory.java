package io.mobula.gpu;

import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One device allocation and the event of its last write: the state a {@link DeviceArray}'s
 * cleaner frees. It must not refer to the array (or the cleaner would keep it reachable forever),
 * so the array keeps its state here and the cleaner runs {@link #run()} on this alone.
 */
final class DeviceMemory implements Runnable {
    private static final int ALLOCATION_ATTEMPTS = 4;

    final PrimaryContext owner;
    final CUdeviceptr pointer;
    final long bytes;
    /** Recorded after the write that made the contents; never recorded = nothing to wait for. */
    final CUevent written;
    /** The stream {@link #written} was last recorded on (a launch there needs no wait); null if none. */
    volatile CUstream writtenOn;

    private DeviceMemory(PrimaryContext owner, CUdeviceptr pointer, long bytes, CUevent written) {
        this.owner = owner;
        this.pointer = pointer;
        this.bytes = bytes;
        this.written = written;
    }

    /**
     * Allocates {@code bytes} on {@code owner}'s device (none for 0 bytes: a null pointer). Device
     * memory is invisible to the Java heap's collector, so when the device is full this collects
     * once and retries, letting the cleaner free arrays nothing refers to any more.
     *
     * @throws GpuOutOfMemoryException if the device stays full.
     */
    static DeviceMemory allocate(PrimaryContext owner, long bytes) {
        owner.bind();
        CUdeviceptr pointer = new CUdeviceptr();
        if (bytes > 0) {
            for (int attempt = 1; ; attempt++) {
                try {
                    JCudaDriver.cuMemAlloc(pointer, bytes);
                    break;
                } catch (CudaException e) {
                    if (!CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY).equals(e.getMessage())) {
                        throw e;
                    }
                    if (attempt == ALLOCATION_ATTEMPTS) {
                        throw new GpuOutOfMemoryException("GPU " + owner.ordinal() + " has no room for " + bytes
                            + " bytes, even after collecting unreachable device arrays", e);
                    }
                    System.gc();
                    sleepMillis(20L * attempt); // the cleaner thread frees what the collection found
                    owner.bind();
                }
            }
        }
        CUevent written = new CUevent();
        JCudaDriver.cuEventCreate(written, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        return new DeviceMemory(owner, pointer, bytes, written);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GpuOutOfMemoryException("interrupted while waiting for device memory", e);
        }
    }

    /**
     * The cleaner's action: waits for the device's work in flight (a kernel may still read this
     * memory), then frees the allocation and the event. Never throws: the cleaner thread serves
     * every array.
     */
    @Override
    public void run() {
        try {
            owner.bind();
            JCudaDriver.cuCtxSynchronize();
            JCudaDriver.cuEventDestroy(written);
            if (bytes > 0) {
                JCudaDriver.cuMemFree(pointer);
            }
        } catch (RuntimeException e) {
            System.err.println("mobula-gpu: could not free " + bytes + " bytes on GPU " + owner.ordinal() + ": " + e);
        }
    }
}
