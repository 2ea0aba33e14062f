/**
 * An owner's objects (Ray's ownership): where a result that stayed on a node lives
 * ({@link NodeObject}), the owner's form of it
 * ({@link ObjectOnNode}) and how it is made again when its node dies
 * ({@link Lineage}).
 */
package io.mobula.cluster.ownership;
