/**
 * Objects between nodes: the object manager, which pulls sealed objects from a holder's store into
 * this node's in chunks, and the objects a node keeps for owners elsewhere and reads for its work.
 */
package io.mobula.cluster.objects;
