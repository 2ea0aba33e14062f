package io.mobula;

/**
 * The object was freed with {@link Mobula#free}: its value was dropped from the store on purpose,
 * so a {@code get} of it (or work that takes it as an argument) fails with this instead of
 * returning what it held. Unlike a lost object, a freed one is never made again. The message names
 * the object.
 */
public class ObjectFreedException extends ObjectLostException {
    private final String objectId;

    public ObjectFreedException(String objectId) {
        super("object " + objectId + " was freed with Mobula.free(); its value is gone and is not made again: "
            + "free a ref only once nothing reads it any more, or keep it (and drop the ref) to let it go when unused");
        this.objectId = objectId;
    }

    /** The freed object's id (32 hex digits). */
    public String objectId() {
        return objectId;
    }
}
