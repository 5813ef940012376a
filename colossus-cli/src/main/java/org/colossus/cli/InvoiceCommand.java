package org.colossus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import org.colossus.ledger.Invoice;
import org.colossus.server.billing.InvoiceDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Invoices: list, show, issue (operator), export and verify (a tenant, against the audit log). */
@Command(name = "invoice", mixinStandardHelpOptions = true,
        description = "Invoices: drafts of the open month, issued ones of closed months, and their verification.",
        subcommands = {InvoiceCommand.ListInvoices.class, InvoiceCommand.Show.class, InvoiceCommand.Issue.class,
                InvoiceCommand.Export.class, InvoiceCommand.Verify.class})
final class InvoiceCommand {
    private InvoiceCommand() {
    }

    static String id(String value) {
        if (!value.matches("\\d{4}-\\d{2}-[a-z0-9][a-z0-9-]{0,62}")) {
            throw new CliException("invoice '" + value + "': expected PERIOD-TENANT, e.g. 2026-11-aurora-labs");
        }
        return value;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Issued invoices (a tenant sees its own) with the SHA-256 the journal carries.")
    static final class ListInvoices extends ClientCommands.Base {
        @Option(names = "--tenant", description = "Only this tenant's (operator).")
        String tenant;

        @Option(names = "--period", paramLabel = "YYYY-MM", description = "Only this month's.")
        String period;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder();
            if (tenant != null) {
                q.append(q.isEmpty() ? "?" : "&").append("tenant=").append(q(tenant));
            }
            if (period != null) {
                q.append(q.isEmpty() ? "?" : "&").append("period=").append(q(period));
            }
            print(api.get("/api/v1/invoices" + q), InvoiceCommand::issuedTable);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One invoice (PERIOD-TENANT): a draft of the open month, or the month's final or issued one.")
    static final class Show extends ClientCommands.Base {
        @Parameters(paramLabel = "ID", description = "PERIOD-TENANT, e.g. 2026-11-aurora-labs.")
        String id;

        @Override
        public Integer call() {
            String json = api.getText("/api/v1/invoices/" + id(id), "application/json");
            if (output.json()) {
                out().println(json);
            } else {
                out().print(text(InvoiceDocument.parse(json)));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a closed month's invoices (operator): one tenant's, or every tenant's not yet issued.")
    static final class Issue extends ClientCommands.Base {
        @Option(names = "--period", paramLabel = "YYYY-MM", required = true, description = "A month that is over.")
        String period;

        @Option(names = "--tenant", description = "Only this tenant's (default: every tenant's not yet issued).")
        String tenant;

        @Override
        public Integer call() {
            ObjectNode b = ApiClient.MAPPER.createObjectNode().put("period", period);
            if (tenant != null) {
                b.put("tenant", tenant);
            }
            print(api.post("/api/v1/invoices", b), InvoiceCommand::issuedTable);
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Save an invoice as the server serves it: canonical JSON (what its journaled SHA-256 covers,",
                    "and what 'invoice verify' checks) or CSV."})
    static final class Export extends ClientCommands.Base {
        @Parameters(paramLabel = "ID", description = "PERIOD-TENANT.")
        String id;

        @Option(names = "--as", defaultValue = "json", paramLabel = "json|csv",
                description = "json (default) or csv.")
        String as;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: standard output).")
        Path file;

        @Override
        public Integer call() {
            String accept = switch (as.toLowerCase(Locale.ROOT)) {
                case "json" -> "application/json";
                case "csv" -> "text/csv";
                default -> throw new CliException("--as " + as + ": expected json or csv");
            };
            String body = api.getText("/api/v1/invoices/" + id(id), accept);
            if (file == null) {
                out().print(body);
                if (!body.endsWith("\n")) {
                    out().println();
                }
                out().flush();
            } else {
                OwnerFiles.writeOrFail(file, body, true, "--output");
                out().println("invoice " + id + " written to " + file);
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check an invoice as its tenant: 'audit verify --invoice FILE' (every own entry proven in the",
                    "signed log, the bill recomputed from them, its hash against the journaled one)."})
    static final class Verify extends AuditCommand.Verify {
        @Parameters(paramLabel = "FILE", description = "The invoice as 'invoice export' saved it.")
        void file(Path f) {
            this.invoice = f;
        }
    }

    static String issuedTable(JsonNode list) {
        Table t = new Table("ID", "TENANT", "PERIOD", "ISSUED", "ENTRY", "SHA-256");
        for (JsonNode i : list) {
            t.row(i.get("id").asText(), i.get("tenant").asText(), i.get("period").asText(), i.get("issued").asText(),
                    i.get("seq").asLong(), i.get("sha256").asText());
        }
        return t.size() == 0 ? "no issued invoices\n" : t.toString();
    }

    static String text(Invoice inv) {
        StringBuilder b = new StringBuilder();
        b.append("invoice ").append(inv.id()).append(" (").append(inv.status()).append(")  tenant ").append(inv.tenant())
                .append("  period ").append(inv.period());
        if (inv.status().equals("draft")) {
            b.append("  as of ").append(java.time.Instant.ofEpochMilli(inv.asOfMillis()));
        }
        b.append('\n');
        Table t = new Table("#", "KIND", "CONTRACT", "GPU", "GPU-HOURS", "JOBS", "PRICE/GPU-H",
                "AMOUNT " + inv.currency());
        for (Invoice.Line l : inv.lines()) {
            t.row(l.number(), l.kind(), l.contractId() < 0 ? "-" : l.contractId(), l.gpuModel(), l.gpuHours(),
                    l.items().size(), l.unitPrice(), l.amount());
        }
        b.append(t.size() == 0 ? "no lines\n" : t.toString());
        b.append("total ").append(inv.total()).append(' ').append(inv.currency()).append('\n');
        b.append("energy ").append(inv.energy().kwh()).append(" kWh at the meter (PUE ").append(inv.energy().pue())
                .append("), ").append(inv.energy().kgCo2e()).append(" kg CO2e (")
                .append(inv.energy().kgCo2ePerKwh()).append(" kg/kWh)\n");
        long lost = inv.lines().stream().flatMap(l -> l.items().stream()).mapToLong(Invoice.Item::lostGpuMillis).sum();
        if (lost > 0) {
            b.append("work lost to node failures: ").append(String.format(Locale.ROOT, "%.2f", lost / 3.6e6))
                    .append(" GPU-hours (since each job's last checkpoint)\n");
        }
        return b.toString();
    }
}
