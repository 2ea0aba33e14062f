/**
 * How a node joins the head and stays in the cluster (heartbeats, fencing), and the view of the
 * cluster's nodes every process builds from their status.
 */
package io.mobula.cluster.membership;
