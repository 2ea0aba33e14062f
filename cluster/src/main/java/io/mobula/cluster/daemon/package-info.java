/**
 * The node as a daemon process: its server, the requests it serves (work, jobs, objects, lends,
 * groups, names) and, at the head, the cluster's tables.
 */
package io.mobula.cluster.daemon;
