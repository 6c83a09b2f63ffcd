package org.mcpfront.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Turns an unknown key into a hint: the known key it was probably meant to be, or the list of known keys. */
final class KeySuggestions {

    private KeySuggestions() {}

    static String hint(String unknown, List<String> known) {
        return known.stream()
                .filter(candidate -> close(unknown, candidate))
                .min(Comparator.comparingInt(candidate -> distance(simplified(unknown), simplified(candidate))))
                .map(candidate -> "(did you mean " + candidate + "?)")
                .orElse("(expected one of " + String.join(", ", known) + ")");
    }

    /** Typos and other spellings of the same words ("tiemout", "tokenTtl"); short keys allow fewer edits. */
    private static boolean close(String unknown, String candidate) {
        String target = simplified(candidate);
        return distance(simplified(unknown), target) <= Math.min(2, target.length() / 3);
    }

    private static String simplified(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Optimal string alignment distance: Levenshtein plus swapping two neighbours counts as one edit. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
