/**
 * How processes of the cluster talk: the calls and the messages of each family as bytes, the
 * status text, and the authenticated sessions to peers they travel on. Below every role: the
 * daemon, the driver and the head all speak it.
 */
package io.mobula.cluster.wire;
