package dev.berth.management.route;

/**
 * One management operation: parses its input from the call into a validated value, calls one core method
 * and gives the reply. It throws to fail and never chooses an error status.
 */
@FunctionalInterface
public interface Operation {
    Reply handle(Call call);
}
