package org.colossus.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.colossus.fleet.config.YamlNode;
import org.colossus.perf.JobSpeed;
import org.colossus.scheduler.Constraints;
import org.colossus.scheduler.JobClass;

/**
 * A synthetic tenant mix from job streams. Each stream: a tenant, a class, either a fixed {@code count} of jobs
 * submitted at {@code startHours} (pre-training gangs) or a Poisson arrival rate {@code perDay} from
 * {@code startHours} to the end; GPUs either fixed or a [min, max] range drawn log-uniformly over powers of two;
 * duration either fixed or a [min, max] range in hours drawn log-uniformly; a priority. Defaults: docs/simulator.md.
 */
final class SyntheticWorkload {
    private SyntheticWorkload() {
    }

    static Workload generate(YamlNode streams, long seed, double durationSeconds, List<String> declaredTenants,
                             JobSpeed speed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> tenants = new ArrayList<>();
        List<double[]> jobs = new ArrayList<>(); // submit, gpus, duration, tenant, class, priority, constraints
        List<Constraints> constraintTable = new ArrayList<>();
        List<JobSpeed.Profile> profiles = new ArrayList<>();
        double horizon = Double.isInfinite(durationSeconds) ? 30 * 86400.0 : durationSeconds;
        for (YamlNode s : streams.nonEmptyList()) {
            s.allowOnly("tenant", "class", "count", "perDay", "gpus", "durationHours", "startHours", "priority",
                    "constraints", "model", "tokens");
            YamlNode tenantNode = s.get("tenant");
            String tenant = tenantNode.name();
            if (!declaredTenants.isEmpty() && !declaredTenants.contains(tenant)) {
                throw tenantNode.fail("not a tenant of this scenario; expected one of: " + String.join(", ", declaredTenants));
            }
            if (!tenants.contains(tenant)) {
                tenants.add(tenant);
            }
            int tenantIndex = tenants.indexOf(tenant);
            YamlNode classNode = s.get("class");
            JobClass cls;
            try {
                cls = JobClass.parse(classNode.text());
            } catch (RuntimeException e) {
                throw classNode.fail(e.getMessage());
            }
            if (s.has("count") == s.has("perDay")) {
                throw s.fail("expected exactly one of 'count' (jobs at startHours) or 'perDay' (Poisson arrivals)");
            }
            double[] gpus = range(s.get("gpus"), 1, 1 << 24);
            if (s.has("model") == s.has("durationHours")) {
                throw s.fail("expected exactly one of 'durationHours' or 'model' with 'tokens' (the planner's speed)");
            }
            org.colossus.perf.ModelSpec model = null;
            double tokens = 0;
            double[] hours = {1, 1};
            if (s.has("model")) {
                YamlNode modelNode = s.get("model");
                YamlNode tokensNode = s.get("tokens");
                try {
                    model = org.colossus.perf.ModelCatalog.standard().resolve(modelNode.text());
                } catch (RuntimeException e) {
                    throw modelNode.fail(e.getMessage());
                }
                try {
                    tokens = org.colossus.perf.Tokens.parse(tokensNode.text(), "tokens");
                } catch (RuntimeException e) {
                    throw tokensNode.fail(e.getMessage());
                }
            } else {
                hours = range(s.get("durationHours"), 1.0 / 3600, 24 * 365);
                if (s.has("tokens")) {
                    throw s.get("tokens").fail("applies with 'model'");
                }
            }
            double start = s.find("startHours").map(n -> n.numberAtLeast(0) * 3600).orElse(0.0);
            int priority = s.find("priority").map(n -> n.intAtLeast(0)).orElse(0);
            Constraints constraints = s.find("constraints").map(SyntheticWorkload::constraints).orElse(Constraints.NONE);
            int constraintIndex = constraintTable.indexOf(constraints);
            if (constraintIndex < 0) {
                constraintTable.add(constraints);
                constraintIndex = constraintTable.size() - 1;
            }
            if (s.has("count")) {
                int count = s.get("count").intAtLeast(1);
                for (int i = 0; i < count; i++) {
                    double g = drawGpus(random, gpus);
                    double[] run = run(s, speed, model, tokens, (int) g, drawLogUniform(random, hours) * 3600, profiles);
                    jobs.add(new double[] {start, g, run[0], tenantIndex, cls.ordinal(), priority, constraintIndex, run[1]});
                }
            } else {
                double perSecond = s.get("perDay").numberAtLeast(0.0001) / 86400;
                for (double t = start + exponential(random, 1 / perSecond); t < horizon; t += exponential(random, 1 / perSecond)) {
                    double g = drawGpus(random, gpus);
                    double[] run = run(s, speed, model, tokens, (int) g, Math.round(drawLogUniform(random, hours) * 3600),
                            profiles);
                    jobs.add(new double[] {Math.floor(t * 1000) / 1000, g, run[0], tenantIndex, cls.ordinal(), priority,
                        constraintIndex, run[1]});
                }
            }
        }
        int n = jobs.size();
        long[] ids = new long[n];
        double[] submit = new double[n];
        int[] g = new int[n];
        double[] d = new double[n];
        int[] t = new int[n];
        JobClass[] c = new JobClass[n];
        int[] p = new int[n];
        Constraints[] k = new Constraints[n];
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            double[] j = jobs.get(i);
            ids[i] = i;
            submit[i] = j[0];
            g[i] = (int) j[1];
            d[i] = Math.max(1, j[2]);
            t[i] = (int) j[3];
            c[i] = JobClass.values()[(int) j[4]];
            p[i] = (int) j[5];
            k[i] = constraintTable.get((int) j[6]);
            f[i] = (int) j[7];
        }
        return new Workload("synthetic", ids, submit, g, d, t, List.copyOf(tenants), c, p, k, f, List.copyOf(profiles))
                .sortedBySubmit();
    }

    /** [duration seconds, speed profile index or -1]: the planner's time for model + tokens, or the drawn duration. */
    private static double[] run(YamlNode stream, JobSpeed speed, org.colossus.perf.ModelSpec model, double tokens,
                                int gpus, double drawnSeconds, List<JobSpeed.Profile> profiles) {
        if (model == null) {
            return new double[] {drawnSeconds, -1};
        }
        JobSpeed.Profile profile;
        try {
            profile = speed.profile(model, gpus, tokens);
        } catch (RuntimeException e) {
            throw stream.get("model").fail(e.getMessage());
        }
        int index = profiles.indexOf(profile);
        if (index < 0) {
            profiles.add(profile);
            index = profiles.size() - 1;
        }
        return new double[] {Math.max(1, Math.round(profile.nominalSeconds())), index};
    }

    /** {@code {withinPod: true, maxRacks: 4, wholeRacks: false}}: docs/simulator.md#scenario-files. */
    private static Constraints constraints(YamlNode node) {
        node.allowOnly("withinPod", "maxRacks", "wholeRacks");
        return new Constraints(node.find("withinPod").map(SyntheticWorkload::bool).orElse(false),
                node.find("maxRacks").map(n -> n.intAtLeast(1)).orElse(0),
                node.find("wholeRacks").map(SyntheticWorkload::bool).orElse(false));
    }

    private static boolean bool(YamlNode n) {
        String text = n.text();
        if (!text.equals("true") && !text.equals("false")) {
            throw n.fail("expected true or false");
        }
        return Boolean.parseBoolean(text);
    }

    /** A number or a two-element [min, max] list. */
    private static double[] range(YamlNode node, double min, double max) {
        if (node.isNumber()) {
            double v = node.numberBetween(min, max);
            return new double[] {v, v};
        }
        List<YamlNode> items = node.list();
        if (items.size() != 2) {
            throw node.fail("expected a number or a [min, max] pair");
        }
        double lo = items.get(0).numberBetween(min, max);
        double hi = items.get(1).numberBetween(min, max);
        if (hi < lo) {
            throw node.fail("expected min <= max");
        }
        return new double[] {lo, hi};
    }

    private static double drawGpus(SplittableRandom random, double[] range) {
        if (range[0] == range[1]) {
            return Math.round(range[0]);
        }
        int lo = 31 - Integer.numberOfLeadingZeros((int) Math.max(1, range[0]));
        int hi = 31 - Integer.numberOfLeadingZeros((int) range[1]);
        int exp = lo + random.nextInt(hi - lo + 1);
        return Math.max(range[0], Math.min(range[1], 1 << exp));
    }

    private static double drawLogUniform(SplittableRandom random, double[] range) {
        if (range[0] == range[1]) {
            return range[0];
        }
        return Math.exp(Math.log(range[0]) + random.nextDouble() * (Math.log(range[1]) - Math.log(range[0])));
    }

    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }
}
