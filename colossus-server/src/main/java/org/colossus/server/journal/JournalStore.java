package org.colossus.server.journal;

import java.util.List;
import java.util.function.Consumer;

/**
 * The journal: entries appended in order, durable when {@link #append} returns, read back by sequence number. The
 * engine is its only writer.
 */
public interface JournalStore {
    /**
     * Appends entries in one transaction; they are durable when this returns. Their sequence numbers must continue
     * the journal without a gap.
     */
    void append(List<Entry> entries);

    /** Calls {@code sink} with every entry whose seq is greater than {@code afterSeq}, in order. */
    void readAfter(long afterSeq, Consumer<Entry> sink);

    List<Entry> range(long fromSeq, int limit);

    /** Entries of {@code tenant} with seq in [fromSeq, toSeq], in order, at most {@code limit}. */
    List<Entry> rangeOf(String tenant, long fromSeq, long toSeq, int limit);

    long lastSeq();

    /** e.g. "H2 2.5.252 (file ./colossus-data/colossus)". */
    String describe();
}
