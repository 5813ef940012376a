package org.colossus.server.api;

import io.javalin.http.Context;
import java.util.Base64;
import java.util.List;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.FleetException;
import org.colossus.fleet.GpuModel;
import org.colossus.scheduler.JobClass;
import org.colossus.scheduler.SchedulerException;
import org.colossus.server.error.Problem;

/** Reading a request and writing a reply: the parameter, path and body helpers every route group shares. */
final class Requests {
    static final String PRINCIPAL = "colossus.principal";

    private Requests() {
    }

    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new Problem(401, "Unauthorized", "no bearer token", "Authorization", null, "a valid bearer token");
        }
        return p;
    }

    /** ?encoding=text (the default) or base64: how entry and node-leaf texts are sent. */
    static boolean base64Encoding(Context ctx) {
        String e = ctx.queryParam("encoding");
        if (e == null || e.equals("text")) {
            return false;
        }
        if (e.equals("base64")) {
            return true;
        }
        throw Problem.invalid("encoding", Bodies.clip(e), "text or base64");
    }

    static List<String> b64(List<byte[]> hashes) {
        return hashes.stream().map(h -> java.util.Base64.getEncoder().encodeToString(h)).toList();
    }

    static long queryLong(Context ctx, String name, long min, long max, long dflt) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw Problem.invalid(name, v, "an integer from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw Problem.invalid(name, Bodies.clip(v), "an integer from " + min + " to " + max);
        }
    }

    static long pathId(Context ctx, String what) {
        String v = ctx.pathParam("id");
        try {
            long id = Long.parseLong(v);
            if (id < 1) {
                throw Problem.notFound(what, id);
            }
            return id;
        } catch (NumberFormatException e) {
            throw Problem.notFound(what, Bodies.clip(v));
        }
    }

    static int nodeId(Context ctx) {
        String v = ctx.pathParam("id");
        try {
            int id = Integer.parseInt(v);
            if (id < 0) {
                throw Problem.notFound("node", id);
            }
            return id;
        } catch (NumberFormatException e) {
            throw Problem.notFound("node", Bodies.clip(v));
        }
    }

    static <T> T body(Context ctx, Class<T> type) {
        String ct = ctx.contentType();
        if (!isJson(ct)) {
            throw new Problem(415, "Unsupported media type", (ct == null ? "no Content-Type"
                    : "Content-Type is '" + Bodies.clip(ct) + "'") + "; expected application/json",
                    "Content-Type", ct == null ? null : Bodies.clip(ct), "application/json");
        }
        return RequestJson.read(ctx.bodyAsBytes(), type);
    }

    /** application/json, with parameters (charset=utf-8) or none; nothing that merely starts with it. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return media.equalsIgnoreCase("application/json");
    }

    static GpuModel gpu(Catalog catalog, String field, String name) {
        Bodies.required(field, name, "a GPU model such as GB200 or H100");
        try {
            return catalog.requireGpu(name);
        } catch (FleetException e) {
            throw Problem.invalid(field, Bodies.clip(name), "a GPU model of the catalog: " + e.getMessage()
                    .replaceFirst(".*expected one of: ", ""));
        }
    }

    static JobClass jobClass(String value) {
        Bodies.required("class", value, "reserved, on-demand or preemptible");
        try {
            return JobClass.parse(value);
        } catch (SchedulerException e) {
            throw Problem.invalid("class", Bodies.clip(value), "reserved, on-demand or preemptible");
        }
    }

    static void json(Context ctx, int status, Object value) {
        ctx.status(status).contentType("application/json").result(RequestJson.write(value));
    }

}
