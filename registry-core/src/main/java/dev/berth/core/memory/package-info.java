/** Answering from memory on threads that must not block: see {@link dev.berth.core.memory.MemoryOnly}. */
package dev.berth.core.memory;
