package io.mobula;

import java.util.ArrayList;
import java.util.List;

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

/**
 * A named concurrency group of an actor of type {@code A} (Ray's concurrency groups): calls of the
 * group's methods run on threads of their own, at most {@code maxConcurrency} at once, apart from the
 * actor's other calls; so slow calls of one group do not hold up another's. Declared at creation:
 * <pre>{@code
 * mobula.actor(Server::new)
 *     .concurrencyGroup(ConcurrencyGroup.<Server>named("io", 2).method(Server::read).method(Server::write))
 *     .concurrencyGroup(ConcurrencyGroup.named("compute", 4))
 *     .remote();
 * server.task(Server::crunch, data).concurrencyGroup("compute").remote();   // a group chosen per call
 * }</pre>
 * Calls of methods in no group, and not sent to one with {@code ActorCall.concurrencyGroup}, go to
 * the default group, sized by the actor's {@code maxConcurrency}.
 */
public final class ConcurrencyGroup<A> {
    private final String name;
    private final int maxConcurrency;
    private final List<RemoteFunction> methods = new ArrayList<>();

    private ConcurrencyGroup(String name, int maxConcurrency) {
        this.name = name;
        this.maxConcurrency = maxConcurrency;
    }

    /**
     * A group called {@code name} that runs up to {@code maxConcurrency} of its calls at once.
     *
     * @throws IllegalArgumentException if the name is blank or {@code maxConcurrency < 1}.
     */
    public static <A> ConcurrencyGroup<A> named(String name, int maxConcurrency) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a concurrency group needs a name that is not blank");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("concurrency group '" + name + "' must allow at least one call at a time, got "
                + "maxConcurrency " + maxConcurrency);
        }
        return new ConcurrencyGroup<>(name, maxConcurrency);
    }

    public String name() {
        return name;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** The methods bound to this group (method references of the actor's class). */
    public List<RemoteFunction> methods() {
        return List.copyOf(methods);
    }

    private ConcurrencyGroup<A> add(RemoteFunction method) {
        if (method == null) {
            throw new IllegalArgumentException("a method of concurrency group '" + name + "' is null");
        }
        methods.add(method);
        return this;
    }

    /** Binds {@code A::method} to this group: its calls run here unless a call names another group. */
    public ConcurrencyGroup<A> method(Func1<? super A, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc1<? super A> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(Func2<? super A, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc2<? super A, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(Func3<? super A, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc3<? super A, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(Func4<? super A, ?, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc4<? super A, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(Func5<? super A, ?, ?, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc5<? super A, ?, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(Func6<? super A, ?, ?, ?, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc6<? super A, ?, ?, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(Func7<? super A, ?, ?, ?, ?, ?, ?, ?> method) {
        return add(method);
    }

    public ConcurrencyGroup<A> method(VoidFunc7<? super A, ?, ?, ?, ?, ?, ?> method) {
        return add(method);
    }

    @Override
    public String toString() {
        return "ConcurrencyGroup(" + name + ", maxConcurrency " + maxConcurrency + ", " + methods.size() + " method(s))";
    }
}
