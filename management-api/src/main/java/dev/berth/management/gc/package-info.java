/**
 * The garbage collection calls of the contract: start a run, list the runs, show one.
 *
 * <p>Starting point: {@link dev.berth.management.gc.GcRoutes}.
 */
package dev.berth.management.gc;
