package org.colossus.server.billing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.colossus.ledger.Invoice;
import org.colossus.server.journal.Canonical;

/** An invoice as bytes: its canonical JSON (what is hashed and served), its SHA-256, and its CSV export. */
public final class InvoiceDocument {
    private InvoiceDocument() {
    }

    /** Canonical JSON: keys sorted, no whitespace, decimals as strings; the same bytes wherever it is computed. */
    public static String json(Invoice invoice) {
        return Canonical.json(invoice);
    }

    /** Lowercase hex SHA-256 of {@link #json}'s UTF-8 bytes. */
    public static String sha256(Invoice invoice) {
        return sha256(json(invoice).getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses an invoice's JSON (a file a tenant saved); unknown fields are refused. */
    public static Invoice parse(String json) {
        return Canonical.read(json, Invoice.class);
    }

    /**
     * One row per line and per item under it (RFC 4180: CRLF, fields quoted where they need it), with the invoice's
     * header on every row so that a spreadsheet can filter any of them.
     */
    public static String csv(Invoice inv) {
        StringBuilder b = new StringBuilder();
        row(b, "invoice", "tenant", "period", "status", "currency", "line", "kind", "contract", "gpu_model",
                "gpu_hours", "unit_price", "amount", "job", "gpus", "from_ms", "to_ms", "gpu_ms", "placed_seq",
                "released_seq", "release", "lost_gpu_ms", "energy_wh");
        for (Invoice.Line l : inv.lines()) {
            row(b, inv.id(), inv.tenant(), inv.period(), inv.status(), inv.currency(), l.number(), l.kind(),
                    l.contractId(), l.gpuModel(), l.gpuHours(), l.unitPrice(), l.amount(), "", "", l.fromMillis(),
                    l.toMillis(), l.gpuMillis(), "", "", "", "", "");
            for (Invoice.Item i : l.items()) {
                row(b, inv.id(), inv.tenant(), inv.period(), inv.status(), inv.currency(), l.number(), l.kind(),
                        l.contractId(), l.gpuModel(), "", "", "", i.job(), i.gpus(), i.fromMillis(), i.toMillis(),
                        i.gpuMillis(), i.placedSeq(), i.releasedSeq(), i.release(), i.lostGpuMillis(), i.energyWh());
            }
        }
        row(b, inv.id(), inv.tenant(), inv.period(), inv.status(), inv.currency(), "", "total", "", "", "", "",
                inv.total(), "", "", "", "", "", "", "", "", "", inv.energy().kwh() + " kWh");
        return b.toString();
    }

    private static void row(StringBuilder b, Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            String f = String.valueOf(fields[i]);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                b.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                b.append(f);
            }
        }
        b.append("\r\n");
    }
}
