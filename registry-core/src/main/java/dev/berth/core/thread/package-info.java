/**
 * The threads Berth starts: named by what they do, and daemons.
 */
package dev.berth.core.thread;
