/**
 * Memory: answering from memory on threads that must not block ({@link dev.berth.core.memory.MemoryOnly}), and
 * weighing what the caches hold ({@link dev.berth.core.memory.HeapEstimate}, {@link dev.berth.core.memory.CacheFootprint}).
 */
package dev.berth.core.memory;
