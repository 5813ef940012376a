package org.colossus.server.dataplane.slurm;

import java.util.ArrayList;
import java.util.List;

/** Slurm's host list expressions ({@code gpu[01-03,07],login1}) expanded to node names. */
final class Hostlist {
    private Hostlist() {
    }

    /** The names in {@code expression}, in its order; an empty or null expression has none. */
    static List<String> expand(String expression) {
        List<String> out = new ArrayList<>();
        if (expression == null || expression.isBlank() || expression.equals("(null)")) {
            return out;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= expression.length(); i++) {
            char c = i < expression.length() ? expression.charAt(i) : ',';
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                expandOne(expression.substring(start, i).trim(), out);
                start = i + 1;
            }
        }
        return out;
    }

    private static void expandOne(String item, List<String> out) {
        if (item.isEmpty()) {
            return;
        }
        int open = item.indexOf('[');
        if (open < 0) {
            out.add(item);
            return;
        }
        int close = item.indexOf(']', open);
        if (close < 0) {
            throw new IllegalArgumentException("host list '" + item + "': '[' without ']'");
        }
        String prefix = item.substring(0, open);
        String rest = item.substring(close + 1);
        List<String> tails = new ArrayList<>();
        expandOne(rest, tails);
        if (tails.isEmpty()) {
            tails.add("");
        }
        for (String range : item.substring(open + 1, close).split(",")) {
            int dash = range.indexOf('-');
            if (dash < 0) {
                for (String t : tails) {
                    out.add(prefix + range + t);
                }
                continue;
            }
            String lo = range.substring(0, dash);
            String hi = range.substring(dash + 1);
            long a = Long.parseLong(lo);
            long b = Long.parseLong(hi);
            if (b < a || b - a > 1_000_000) {
                throw new IllegalArgumentException("host list range '" + range + "' out of order or too long");
            }
            for (long n = a; n <= b; n++) {
                String num = String.valueOf(n);
                while (num.length() < lo.length()) {
                    num = "0" + num;
                }
                for (String t : tails) {
                    out.add(prefix + num + t);
                }
            }
        }
    }
}
