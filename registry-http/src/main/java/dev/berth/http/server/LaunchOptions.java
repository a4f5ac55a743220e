package dev.berth.http.server;

import dev.berth.http.cli.CheckCommand;
import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
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
        return ServerConfig.memory(args, env).jvmOptions(jvmKnows("TrimNativeHeapInterval"));
    }

    /** Whether this JVM, the one the server runs on, has the option: the launcher's and the server's are the same. */
    static boolean jvmKnows(String option) {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(option);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
