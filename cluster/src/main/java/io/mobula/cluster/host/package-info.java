/**
 * What a host keeps of its nodes: the state directory (the cluster secret, a record of each node
 * running here, the jars) that the command line, the nodes and the drivers on the host share.
 */
package io.mobula.cluster.host;
