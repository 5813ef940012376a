package org.colossus.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.colossus.fleet.FleetException;
import org.colossus.perf.PerfException;
import org.colossus.scheduler.SchedulerException;
import org.colossus.sim.SimException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code colossus} command: one entry point for planning, simulation, serving and trust tools. */
@Command(name = "colossus",
        mixinStandardHelpOptions = true,
        version = "colossus 0.1.0",
        description = "Open control plane for an AI supercluster rented to rival labs.")
public final class Colossus {
    /**
     * The top-level commands, in the order help lists them. Added per run rather than in the annotation: building
     * every command's options costs a fresh JVM about 0.25 s, and a run needs only the one it names (help, no command
     * or an unknown one get them all).
     */
    static final java.util.List<Class<?>> COMMANDS = java.util.List.of(FleetCommand.class, PlanCommand.class,
            SimulateCommand.class, ServeCommand.class, DemoCommand.class, ClientCommands.Tenant.class,
            ClientCommands.Contract.class, ClientCommands.Job.class, ClientCommands.Node.class, ClientCommands.Usage.class,
            InvoiceCommand.class, AuditCommand.class, SealCommands.Keys.class, SealCommands.Seal.class, SealCommands.Unseal.class,
            BrokerCommand.class, CommandLine.HelpCommand.class);

    /** Exit code for input the user can fix (a bad fleet file, an unknown name). */
    public static final int EXIT_BAD_INPUT = 1;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors (for bug reports).")
    boolean verbose;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Colossus root = new Colossus();
        CommandLine cli = new CommandLine(root);
        String named = firstWord(args);
        boolean known = COMMANDS.stream().anyMatch(c -> nameOf(c).equals(named));
        for (Class<?> c : COMMANDS) {
            if (!known || named.equals("help") || nameOf(c).equals(named)) {
                cli.addSubcommand(c);
            }
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean expected = e instanceof FleetException || e instanceof PerfException || e instanceof SchedulerException
                    || e instanceof SimException || e instanceof CliException
                    || e instanceof org.colossus.server.error.ServerException || e instanceof org.colossus.trust.TrustException;
            err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            if (root.verbose || !expected) {
                if (!root.verbose) {
                    err.println("(this is a bug in colossus; run again with --verbose for the stack trace)");
                } else {
                    e.printStackTrace(err);
                }
            }
            err.flush();
            return expected ? EXIT_BAD_INPUT : CommandLine.ExitCode.SOFTWARE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The first argument that is not an option (the root has only flags), or "" if none. */
    private static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return "";
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }
}
