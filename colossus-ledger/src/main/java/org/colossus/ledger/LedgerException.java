package org.colossus.ledger;

/** Bad input to the ledger (a period that does not parse, an unknown contract); the message names the value. */
public class LedgerException extends RuntimeException {
    public LedgerException(String message) {
        super(message);
    }
}
