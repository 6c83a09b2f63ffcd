package org.mcpfront.testing;

import java.util.ArrayList;
import java.util.List;

/** Closes what a test class started, last started first, skipping what never started. */
public final class Closeables {

    private Closeables() {}

    /** Closes each non-null argument in reverse order; the first failure is thrown after all tried. */
    public static void closeAll(AutoCloseable... resources) {
        List<Exception> failures = new ArrayList<>();
        for (int i = resources.length - 1; i >= 0; i--) {
            if (resources[i] == null) {
                continue;
            }
            try {
                resources[i].close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("closing test resources failed", failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
