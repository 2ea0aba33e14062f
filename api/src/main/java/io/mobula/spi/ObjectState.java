package io.mobula.spi;

/** What a runtime knows of one object behind an {@link io.mobula.ObjectRef}. */
public interface ObjectState {
    /** The object's id: equal ids name one object; its {@code toString()} is 32 hex digits. */
    Object id();

    /** True once the object is ready or its work failed; never blocks. */
    boolean isReady();
}
