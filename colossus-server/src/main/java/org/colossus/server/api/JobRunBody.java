package org.colossus.server.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Payload;

/**
 * Checks what a job runs (issue 17): a command or a batch script, environment variables and a working directory.
 * The limits keep one submission's journal entry small and refuse what a shell or Slurm would misread: NUL and
 * control characters, variable names a shell cannot export, the data plane's own variables, relative paths and
 * {@code ..}.
 */
final class JobRunBody {
    static final int MAX_ARGS = 256;
    static final int MAX_ARG_CHARS = 4096;
    static final int MAX_COMMAND_BYTES = 64 * 1024;
    /** Half the 1 MiB body limit, so that a script still fits once JSON escapes its quotes and newlines. */
    static final int MAX_SCRIPT_BYTES = 512 * 1024;
    static final int MAX_ENV = 128;
    static final int MAX_ENV_VALUE_CHARS = 32 * 1024;
    static final int MAX_WORKDIR_CHARS = 1024;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Variables the data plane sets itself (docs/slurm.md): a job may not override them. */
    private static final List<String> RESERVED_PREFIXES = List.of("SLURM_", "COLOSSUS_");

    private JobRunBody() {
    }

    /** Null when the body names nothing to run (a job the embedded fleet simulates). */
    static Payload.JobRun check(List<String> command, String script, Map<String, String> env, String workdir) {
        if (command == null && script == null && env == null && workdir == null) {
            return null;
        }
        if (command != null && script != null) {
            throw Problem.invalid("script", "(" + utf8(script) + " bytes)", "either command or script, not both");
        }
        if (command == null && script == null) {
            throw Problem.invalid("command", null, "a command (a list of arguments) or a script, with env and workdir");
        }
        if (command != null) {
            checkCommand(command);
        } else {
            checkScript(script);
        }
        Map<String, String> vars = checkEnv(env == null ? Map.of() : env);
        return new Payload.JobRun(command, script, vars, workdir == null ? null : checkWorkdir(workdir));
    }

    private static void checkCommand(List<String> command) {
        if (command.isEmpty() || command.size() > MAX_ARGS) {
            throw Problem.invalid("command", command.size() + " arguments", "1 to " + MAX_ARGS + " arguments");
        }
        long bytes = 0;
        for (int i = 0; i < command.size(); i++) {
            String field = "command[" + i + "]";
            String a = command.get(i);
            if (a == null) {
                throw Problem.invalid(field, null, "a string");
            }
            if ((i == 0 && a.isEmpty()) || a.length() > MAX_ARG_CHARS) {
                throw Problem.invalid(field, Bodies.clip(a), (i == 0 ? "1" : "0") + " to " + MAX_ARG_CHARS
                        + " characters (got " + a.length() + ")");
            }
            int bad = firstControl(a, false);
            if (bad >= 0) {
                throw Problem.invalid(field, Bodies.escaped(Bodies.clip(a)), "no NUL or control characters (U+"
                        + String.format("%04X", (int) a.charAt(bad)) + " at position " + bad + ")");
            }
            bytes += utf8(a) + 1;
        }
        if (bytes > MAX_COMMAND_BYTES) {
            throw Problem.invalid("command", bytes + " bytes", "at most " + MAX_COMMAND_BYTES + " bytes in all");
        }
    }

    private static void checkScript(String script) {
        int bytes = utf8(script);
        if (bytes > MAX_SCRIPT_BYTES) {
            throw Problem.invalid("script", "(" + bytes + " bytes)", "at most " + MAX_SCRIPT_BYTES + " bytes");
        }
        if (!script.startsWith("#!")) {
            throw Problem.invalid("script", Bodies.escaped(Bodies.clip(script)),
                    "a batch script starting with an interpreter line such as #!/bin/bash");
        }
        int bad = firstControl(script, true);
        if (bad >= 0) {
            int line = 1;
            for (int i = 0; i < bad; i++) {
                line += script.charAt(i) == '\n' ? 1 : 0;
            }
            throw Problem.invalid("script", "(" + bytes + " bytes)", "text without NUL or control characters other than"
                    + " tab and line breaks (U+" + String.format("%04X", (int) script.charAt(bad)) + " on line " + line + ")");
        }
    }

    private static Map<String, String> checkEnv(Map<String, String> env) {
        if (env.size() > MAX_ENV) {
            throw Problem.invalid("env", env.size() + " variables", "at most " + MAX_ENV + " variables");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!ENV_NAME.matcher(name).matches()) {
                throw Problem.invalid("env", Bodies.escaped(Bodies.clip(name)), "variable names of letters, digits and"
                        + " '_', not starting with a digit, at most 128 characters");
            }
            for (String prefix : RESERVED_PREFIXES) {
                if (name.startsWith(prefix)) {
                    throw Problem.invalid("env." + name, Bodies.clip(String.valueOf(e.getValue())),
                            "a name not starting with " + prefix + " (the data plane sets those)");
                }
            }
            String value = e.getValue();
            if (value == null) {
                throw Problem.invalid("env." + name, null, "a string");
            }
            if (value.length() > MAX_ENV_VALUE_CHARS) {
                throw Problem.invalid("env." + name, "(" + value.length() + " characters)", "at most "
                        + MAX_ENV_VALUE_CHARS + " characters");
            }
            int bad = firstControl(value, false);
            if (bad >= 0 && value.charAt(bad) != '\t') {
                throw Problem.invalid("env." + name, Bodies.escaped(Bodies.clip(value)), "no NUL or control characters");
            }
            out.put(name, value);
        }
        return out;
    }

    private static String checkWorkdir(String dir) {
        if (dir.isEmpty() || dir.length() > MAX_WORKDIR_CHARS || !dir.startsWith("/")) {
            throw Problem.invalid("workdir", Bodies.clip(dir), "an absolute path of at most " + MAX_WORKDIR_CHARS
                    + " characters");
        }
        if (firstControl(dir, false) >= 0) {
            throw Problem.invalid("workdir", Bodies.escaped(Bodies.clip(dir)), "no NUL or control characters");
        }
        for (String segment : dir.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw Problem.invalid("workdir", Bodies.clip(dir), "a path without '.' or '..' segments");
            }
        }
        return dir;
    }

    /** The first NUL or control character (tab and line breaks allowed in scripts), or -1. */
    private static int firstControl(String s, boolean script) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) && !(script && (c == '\t' || c == '\n' || c == '\r'))) {
                return i;
            }
        }
        return -1;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
