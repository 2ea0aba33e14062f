package io.mobula.gpu;

import jcuda.Pointer;

/**
 * A JCuda {@link Pointer} to a raw native address, such as a {@link java.lang.foreign.MemorySegment}'s.
 * JCuda reads a pointer without a buffer or an array as its native value plus byte offset, so
 * this works for any size (a direct {@code ByteBuffer} view would stop at 2 GiB). The caller keeps
 * the memory alive while the pointer is used.
 */
final class AddressPointer extends Pointer {
    AddressPointer(long address) {
        super(address);
    }
}
