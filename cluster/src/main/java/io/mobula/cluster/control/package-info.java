/**
 * The head's control state: a deterministic service applying commands (joins, heartbeats, deaths,
 * placement groups, actor names) from an append-only log, so that a restarted head has its tables back.
 */
package io.mobula.cluster.control;
