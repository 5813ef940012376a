package org.colossus.server.api;

import static org.colossus.server.api.Requests.*;

import io.javalin.http.Context;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.colossus.fleet.GpuModel;
import org.colossus.scheduler.JobClass;
import org.colossus.server.engine.Commands;
import org.colossus.server.error.Problem;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.Views;

/** Contracts: sign, list, end. */
final class ContractRoutes extends RouteGroup {
    ContractRoutes(ApiContext api) {
        super(api);
    }

    @Override
    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("POST", "/api/v1/contracts", Route.Role.OPERATOR, 201,
                "Sign a contract: a tenant's GPUs of one class and model for a period at a price.",
                Bodies.CreateContract.class, Views.Contract.class, Route.Shape.ONE, this::createContract));
        r.add(new Route("GET", "/api/v1/contracts", Route.Role.ANY, 200,
                "List contracts (a tenant sees its own).", null, Views.Contract.class, Route.Shape.LIST,
                ctx -> json(ctx, 200, read(s -> s.contracts(principal(ctx).tenant())))));
        r.add(new Route("POST", "/api/v1/contracts/{id}/end", Route.Role.OPERATOR, 200, "End a contract now.",
                null, Views.Contract.class, Route.Shape.ONE,
                ctx -> json(ctx, 200, write(Commands.endContract(pathId(ctx, "contract"))))));
        return r;
    }

    private void createContract(Context ctx) {
        Bodies.CreateContract b = body(ctx, Bodies.CreateContract.class);
        String tenant = Bodies.tenantName("tenant", b.tenant());
        JobClass jc = jobClass(b.jobClass());
        GpuModel g = gpu("gpuModel", b.gpuModel());
        int gpus = Bodies.range("gpus", b.gpus(), 1, Bodies.MAX_GPUS, null);
        long start = Bodies.instant("start", b.start());
        long end = Bodies.instant("end", b.end());
        if (end <= start) {
            throw Problem.invalid("end", b.end(), "a time after start (" + b.start() + ")");
        }
        BigDecimal price = Bodies.decimal("pricePerGpuHour", b.pricePerGpuHour(), BigDecimal.ZERO,
                BigDecimal.valueOf(1000), 6, "a price from 0 to 1000 USD per GPU-hour with at most 6 decimals");
        Payload.SlaTerms sla = sla(b.sla(), jc);
        Views.Contract c = write(Commands.signContract(new Commands.ContractRequest(tenant, jc, g.id(), gpus, start, end,
                price, sla)));
        ctx.header("Location", "/api/v1/contracts/" + c.id());
        json(ctx, 201, c);
    }

    static final int MAX_SLA_TIERS = 10;

    /** The service level's fields, checked; null if none was given. */
    static Payload.SlaTerms sla(Bodies.Sla b, JobClass jc) {
        if (b == null) {
            return null;
        }
        List<Payload.SlaTier> tiers = new ArrayList<>();
        List<Bodies.SlaTier> given = b.credits() == null ? List.of() : b.credits();
        if (!given.isEmpty() && jc != JobClass.RESERVED) {
            throw Problem.invalid("sla.credits", given.size() + " tiers", "no availability tiers: only a reserved"
                    + " contract commits to availability (creditLostWork applies to any class)");
        }
        if (given.size() > MAX_SLA_TIERS) {
            throw Problem.invalid("sla.credits", given.size() + " tiers", "at most " + MAX_SLA_TIERS + " tiers");
        }
        for (int i = 0; i < given.size(); i++) {
            Bodies.SlaTier t = given.get(i);
            String f = "sla.credits[" + i + "]";
            if (t == null) {
                throw Problem.invalid(f, null, "a tier {\"below\": 99.5, \"credit\": 10}");
            }
            BigDecimal below = Bodies.decimal(f + ".below", t.below(), new BigDecimal("0.0001"),
                    BigDecimal.valueOf(100), 4, "an availability in percent above 0 and at most 100, at most 4 decimals");
            BigDecimal credit = Bodies.decimal(f + ".credit", t.credit(), BigDecimal.ZERO, BigDecimal.valueOf(100), 4,
                    "a credit in percent of the month's commitment, 0 to 100, at most 4 decimals");
            for (Payload.SlaTier earlier : tiers) {
                if (new BigDecimal(earlier.belowPercent()).compareTo(below) == 0) {
                    throw Problem.invalid(f + ".below", below.toPlainString(), "a threshold not given before");
                }
            }
            tiers.add(new Payload.SlaTier(below.stripTrailingZeros().toPlainString(),
                    credit.stripTrailingZeros().toPlainString()));
        }
        int grace = Bodies.range("sla.graceSeconds", b.graceSeconds(), 0, 86_400, 300);
        return new Payload.SlaTerms(tiers, grace * 1000L, Boolean.TRUE.equals(b.creditLostWork()));
    }

}
