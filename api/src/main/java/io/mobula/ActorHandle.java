package io.mobula;

import io.mobula.function.Func1;
import io.mobula.function.Func2;
import io.mobula.function.Func3;
import io.mobula.function.Func4;
import io.mobula.function.Func5;
import io.mobula.function.Func6;
import io.mobula.function.Func7;
import io.mobula.function.RemoteFunction;
import io.mobula.function.VoidFunc1;
import io.mobula.function.VoidFunc2;
import io.mobula.function.VoidFunc3;
import io.mobula.function.VoidFunc4;
import io.mobula.function.VoidFunc5;
import io.mobula.function.VoidFunc6;
import io.mobula.function.VoidFunc7;
import io.mobula.spi.ActorState;
import io.mobula.spi.MobulaRuntime;

/**
 * A handle to a live actor of type {@code A}: call its methods with {@code task(A::method, args…)}.
 * Calls through a handle run in the order they were submitted (unless the actor was created with
 * {@code maxConcurrency > 1}). Handles can be passed to tasks and other actors, as arguments or
 * nested in values, within one node (not yet to work on another node of a cluster).
 */
public final class ActorHandle<A> {
    private final ActorState record;
    private final long id;
    private final MobulaRuntime runtime;

    ActorHandle(ActorState record, MobulaRuntime runtime) {
        this(record, record.id(), runtime);
    }

    ActorHandle(ActorState record, long id, MobulaRuntime runtime) {
        this.record = record;
        this.id = id;
        this.runtime = runtime;
    }

    ActorState record() {
        return record;
    }

    /** The actor's node-unique id. */
    public long id() {
        return id;
    }

    /** The actor's name, or null if it was created without one. */
    public String name() {
        return record == null ? null : record.name();
    }

    /** @return true until the actor is killed or dies for good (restarts keep it alive). */
    public boolean isAlive() {
        return record != null && !record.isDead();
    }

    /** How many times the actor has been restarted after a fatal error. */
    public int restarts() {
        return record == null ? 0 : record.restarts();
    }

    private <R> ActorCall<R> call(RemoteFunction method, Object[] args) {
        return new ActorCall<>(runtime, record, id, method, args);
    }

    public <R> ActorCall<R> task(Func1<? super A, R> method) {
        return call(method, new Object[] {});
    }

    public ActorCall<Void> task(VoidFunc1<? super A> method) {
        return call(method, new Object[] {});
    }

    public <T1, R> ActorCall<R> task(Func2<? super A, T1, R> method, Object arg1) {
        return call(method, new Object[] {arg1});
    }

    public <T1> ActorCall<Void> task(VoidFunc2<? super A, T1> method, Object arg1) {
        return call(method, new Object[] {arg1});
    }

    public <T1, T2, R> ActorCall<R> task(Func3<? super A, T1, T2, R> method, Object arg1, Object arg2) {
        return call(method, new Object[] {arg1, arg2});
    }

    public <T1, T2> ActorCall<Void> task(VoidFunc3<? super A, T1, T2> method, Object arg1, Object arg2) {
        return call(method, new Object[] {arg1, arg2});
    }

    public <T1, T2, T3, R> ActorCall<R> task(Func4<? super A, T1, T2, T3, R> method, Object arg1, Object arg2, Object arg3) {
        return call(method, new Object[] {arg1, arg2, arg3});
    }

    public <T1, T2, T3> ActorCall<Void> task(VoidFunc4<? super A, T1, T2, T3> method, Object arg1, Object arg2, Object arg3) {
        return call(method, new Object[] {arg1, arg2, arg3});
    }

    public <T1, T2, T3, T4, R> ActorCall<R> task(Func5<? super A, T1, T2, T3, T4, R> method, Object arg1, Object arg2, Object arg3, Object arg4) {
        return call(method, new Object[] {arg1, arg2, arg3, arg4});
    }

    public <T1, T2, T3, T4> ActorCall<Void> task(VoidFunc5<? super A, T1, T2, T3, T4> method, Object arg1, Object arg2, Object arg3, Object arg4) {
        return call(method, new Object[] {arg1, arg2, arg3, arg4});
    }

    public <T1, T2, T3, T4, T5, R> ActorCall<R> task(Func6<? super A, T1, T2, T3, T4, T5, R> method, Object arg1, Object arg2, Object arg3, Object arg4, Object arg5) {
        return call(method, new Object[] {arg1, arg2, arg3, arg4, arg5});
    }

    public <T1, T2, T3, T4, T5> ActorCall<Void> task(VoidFunc6<? super A, T1, T2, T3, T4, T5> method, Object arg1, Object arg2, Object arg3, Object arg4, Object arg5) {
        return call(method, new Object[] {arg1, arg2, arg3, arg4, arg5});
    }

    public <T1, T2, T3, T4, T5, T6, R> ActorCall<R> task(Func7<? super A, T1, T2, T3, T4, T5, T6, R> method, Object arg1, Object arg2, Object arg3, Object arg4, Object arg5, Object arg6) {
        return call(method, new Object[] {arg1, arg2, arg3, arg4, arg5, arg6});
    }

    public <T1, T2, T3, T4, T5, T6> ActorCall<Void> task(VoidFunc7<? super A, T1, T2, T3, T4, T5, T6> method, Object arg1, Object arg2, Object arg3, Object arg4, Object arg5, Object arg6) {
        return call(method, new Object[] {arg1, arg2, arg3, arg4, arg5, arg6});
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ActorHandle<?> handle && handle.id == id && handle.runtime == runtime;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "ActorHandle(" + id + (record == null ? "" : " " + record.displayName()
            + (record.name() == null ? "" : " '" + record.name() + "'")) + ")";
    }
}
