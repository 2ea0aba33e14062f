package io.mobula.spi;

/** What a runtime knows of one actor behind an {@link io.mobula.ActorHandle}. */
public interface ActorState {
    long id();

    /** The actor's name, or null. */
    String name();

    /** The actor's constructor or class as people read it. */
    String displayName();

    /** The actor's class, fully qualified. */
    String actorClassName();

    /** True once killed or dead for good (restarts keep it alive). */
    boolean isDead();

    int restarts();
}
