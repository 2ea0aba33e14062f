package io.mobula.ml.cli;

import io.mobula.Mobula;

/** How a program reaches Mobula: an embedded node, or a cluster's head with {@code --address}. */
final class Clusters {
    private Clusters() {
    }

    /** {@code Mobula.init(address)} when one is given, else an embedded node. */
    static Mobula connect(String address) {
        return address == null ? Mobula.init() : Mobula.init(address);
    }

    /** The line saying where the program runs. */
    static String where(String address) {
        return address == null ? "embedded node" : "cluster at " + address;
    }
}
