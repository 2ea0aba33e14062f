/**
 * A program connected to a cluster: its own node that owns its objects and sends its work to the
 * cluster, makes lost results again from their lineage, and lends and borrows refs.
 */
package io.mobula.cluster.driver;
