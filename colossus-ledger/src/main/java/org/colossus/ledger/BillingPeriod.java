package org.colossus.ledger;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A billing period: one calendar month in UTC, {@code [startMillis, endMillis)}.
 *
 * @param label {@code YYYY-MM}
 */
public record BillingPeriod(String label, long startMillis, long endMillis) {
    /** The earliest and latest months the ledger bills: the journal's time range is epoch milliseconds. */
    public static final YearMonth FIRST = YearMonth.of(2000, 1);
    public static final YearMonth LAST = YearMonth.of(9999, 12);

    public static BillingPeriod of(YearMonth month) {
        if (month.isBefore(FIRST) || month.isAfter(LAST)) {
            throw new LedgerException("period '" + month + "': expected a month from " + FIRST + " to " + LAST);
        }
        long start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        long end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        return new BillingPeriod(month.toString(), start, end);
    }

    /** Parses {@code YYYY-MM}; the message names the value and the expected form. */
    public static BillingPeriod parse(String text) {
        if (text == null || !text.matches("\\d{4}-\\d{2}")) {
            throw new LedgerException("period '" + clip(text) + "': expected a calendar month as YYYY-MM, e.g. 2026-11");
        }
        try {
            return of(YearMonth.parse(text));
        } catch (DateTimeParseException e) {
            throw new LedgerException("period '" + text + "': expected a calendar month as YYYY-MM, e.g. 2026-11");
        }
    }

    /** The month containing {@code millis}. */
    public static BillingPeriod containing(long millis) {
        return of(YearMonth.from(java.time.Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC)));
    }

    public BillingPeriod next() {
        return of(YearMonth.parse(label).plusMonths(1));
    }

    private static String clip(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
