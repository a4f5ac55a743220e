package dev.berth.http.server;

import dev.berth.http.cli.CheckCommand;
import dev.berth.http.memory.MemoryBudget;

import java.util.List;
import java.util.Map;

/**
 * What {@code bin/berth} asks before it starts the server: the JVM options of the {@code --memory} budget of the
 * same arguments and environment, on one line. Options the server would refuse are refused here, with the same
 * message, before a JVM is started for nothing. The {@code check} command gets the default budget.
 */
public final class LaunchOptions {
    private LaunchOptions() {
    }

    public static void main(String[] args) {
        boolean check = args.length > 0 && args[0].equals(CheckCommand.NAME);
        try {
            System.out.println(String.join(" ", jvmOptions(check ? new String[0] : args, System.getenv())));
        } catch (ServerConfig.InvalidConfigException e) {
            System.err.println("berth: " + e.getMessage());
            System.err.print(ServerConfig.USAGE);
            System.exit(2);
        }
    }

    static List<String> jvmOptions(String[] args, Map<String, String> env) {
        MemoryBudget budget = ServerConfig.memory(args, env);
        return budget.jvmOptions();
    }
}
