/**
 * The jobs a node runs work for: each job's class path (jars by hash, shared per host), a class
 * loader over it, and the functions found in it by name.
 */
package io.mobula.cluster.jobs;
