package org.mcpfront.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in a config value. As in a POSIX shell, the default
 * applies when VAR is unset or empty, and a default ends at the first {@code }}. {@code $${} is a literal
 * {@code ${}; any other {@code $} is literal as it stands. {@code ${user.credential}} is left as it stands: a
 * route fills it per request ({@link RouteCredential}). Expanded text is not scanned again, so values
 * taken from the environment may contain {@code ${} freely.
 */
final class Placeholders {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Placeholders() {}

    /** The expanded text; an {@link IllegalArgumentException} names every variable that is missing. */
    static String expand(String text, Map<String, String> env) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        List<String> unset = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            "has \"${\" without a closing \"}\" (write $${ for a literal ${)");
                }
                String body = text.substring(i + 2, end);
                if (RouteCredential.PLACEHOLDER.equals("${" + body + "}")) {
                    // Not the environment's: filled per request with the user's own credential.
                    out.append(RouteCredential.PLACEHOLDER);
                    i = end + 1;
                    continue;
                }
                int separator = body.indexOf(":-");
                String name = separator < 0 ? body : body.substring(0, separator);
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException(Problems.quote("${" + body + "}")
                            + " does not name an environment variable (write $${ for a literal ${)");
                }
                String value = env.get(name);
                if (separator >= 0 && (value == null || value.isEmpty())) {
                    value = body.substring(separator + 2);
                } else if (value == null) {
                    unset.add(name);
                    value = "";
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        if (unset.size() == 1) {
            throw new IllegalArgumentException("environment variable " + unset.get(0)
                    + " is not set (set it, or give a default: ${" + unset.get(0) + ":-value})");
        }
        if (!unset.isEmpty()) {
            throw new IllegalArgumentException("environment variables " + String.join(", ", unset)
                    + " are not set (set them, or give defaults: ${" + unset.get(0) + ":-value})");
        }
        return out.toString();
    }
}
