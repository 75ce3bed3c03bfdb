package org.sipmediadeploy.daemon.config;

import java.util.List;

/** A configuration that cannot be used, with one message per problem, each naming its key path. */
public final class ConfigProblems extends Exception {
    private static final long serialVersionUID = 1L;

    /** The exit status for a bad configuration (sysexits EX_CONFIG). */
    public static final int EXIT_CODE = 78;

    private final List<String> problems;

    public ConfigProblems(List<String> problems) {
        super(problems.size() + " configuration problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
