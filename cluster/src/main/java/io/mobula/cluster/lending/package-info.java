/**
 * Refs nested inside values crossing between processes: the lender keeps the object until every
 * borrower lets go, the borrower reads it from the lender. What is common to both sides; a node's
 * and a driver's side live with the daemon and the driver.
 */
package io.mobula.cluster.lending;
