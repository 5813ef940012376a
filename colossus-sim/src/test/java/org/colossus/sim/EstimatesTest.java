package org.colossus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.Fleets;
import org.colossus.scheduler.Isolation;
import org.colossus.scheduler.Placement;
import org.colossus.scheduler.QueuePolicy;
import org.colossus.scheduler.SchedulerConfig;
import org.junit.jupiter.api.Test;

/** Issue 23: the scheduler plans with estimates; jobs run their actual time, or stop at their limit. */
class EstimatesTest {
    private static final Fleet FLEET = Fleets.resolve("uniform:2x8", Catalog.standard());

    private static Workload jobs(String csv) throws Exception {
        return WorkloadReader.read("jobs.csv", new BufferedReader(new StringReader(csv)));
    }

    private static SimResult run(Workload w, Estimates e) {
        return new Simulation(FLEET, SchedulerConfig.of(QueuePolicy.BACKFILL, Placement.named("first-fit"),
                Isolation.NONE)).estimating(e).run(w);
    }

    /**
     * Job 2 (all 16 GPUs) waits for job 1 (8 GPUs, 100 s). Job 3 (8 GPUs) runs 50 s but asks for 200: with exact
     * times it fits the hole before job 2's reservation at 100 s and starts at once; planned with its loose limit it
     * does not, and waits until job 2 is done (150 s).
     */
    @Test
    void run_looseLimit_keepsAJobOutOfABackfillHoleItWouldFitByItsRunTime() throws Exception {
        Workload w = jobs("""
                job_id,submit_time_s,num_gpus,duration_s,time_limit_s
                1,0,8,100,100
                2,1,16,50,50
                3,2,8,50,200
                """);
        SimResult exact = run(w, Estimates.EXACT);
        SimResult user = run(w, Estimates.USER);
        assertThat(exact.startSeconds()).containsExactly(0.0, 100.0, 2.0);
        assertThat(user.startSeconds()).containsExactly(0.0, 100.0, 150.0);
        assertThat(user.policy()).isEqualTo("backfill");
        assertThat(exact.policy()).isEqualTo("backfill/exact");
        // What the loose limit cost: job 3 waited 148 s more, a third of that on the mean.
        List<EstimateGaps.Row> gaps = EstimateGaps.of(List.of(exact, user));
        assertThat(gaps).hasSize(1);
        assertThat(gaps.get(0).policy()).isEqualTo("backfill");
        assertThat(gaps.get(0).estimates()).isEqualTo("user");
        assertThat(gaps.get(0).meanWaitCostSeconds()).isCloseTo(148.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(gaps.get(0).p99WaitCostSeconds()).isEqualTo(148.0 - 99.0);
        assertThat(EstimateGaps.of(List.of(user))).as("no exact run, nothing to compare").isEmpty();
    }

    /** Job 1 asks for 300 s but runs 100: job 2's reservation said 300, yet it starts when job 1 actually ends. */
    @Test
    void run_jobEndingEarly_freesItsGpusAtItsActualEnd() throws Exception {
        Workload w = jobs("""
                job_id,submit_time_s,num_gpus,duration_s,time_limit_s
                1,0,8,100,300
                2,1,16,50,50
                """);
        SimResult user = run(w, Estimates.USER);
        assertThat(user.startSeconds()).containsExactly(0.0, 100.0);
        assertThat(user.endSeconds()).containsExactly(100.0, 150.0);
    }

    /** A job that reaches its limit is stopped there, does not complete, and frees its GPUs for the next. */
    @Test
    void run_jobPastItsLimit_isStoppedAtTheLimit() throws Exception {
        Workload w = jobs("""
                job_id,submit_time_s,num_gpus,duration_s,time_limit_s
                1,0,16,100,60
                2,1,16,10,20
                """);
        SimResult user = run(w, Estimates.USER);
        assertThat(user.state()).containsExactly("timeout", "completed");
        assertThat(user.startSeconds()).containsExactly(0.0, 60.0);
        assertThat(user.summary().timedOut()).isEqualTo(1);
        // With exact times (foresight), limits are not enforced: the baseline runs every job to its end.
        assertThat(run(w, Estimates.EXACT).state()).containsExactly("completed", "completed");
    }

    /** Without limits in the workload, planning with the user's limits is planning with the durations. */
    @Test
    void run_noLimitsInTheWorkload_userEqualsExact() throws Exception {
        Workload w = jobs("""
                job_id,submit_time_s,num_gpus,duration_s
                1,0,8,100
                2,1,16,50
                3,2,8,50
                4,3,4,30
                """);
        assertThat(run(w, Estimates.USER).startSeconds()).containsExactly(run(w, Estimates.EXACT).startSeconds());
    }

    /** The predictor plans with the mean of the tenant's last two run times, capped by the limit. */
    @Test
    void run_predictor_plansWithRecentRunTimes() throws Exception {
        Workload w = jobs("""
                job_id,submit_time_s,num_gpus,duration_s,time_limit_s
                1,0,8,40,400
                2,0,8,60,400
                3,100,8,100,400
                4,100,16,50,400
                5,100,8,50,450
                """);
        // After jobs 1 and 2 (40 s and 60 s), jobs are predicted at 50 s: job 5 fits before job 4's reservation
        // (job 3 predicted to end at 150 s) and starts at once; planned with its limit (450 s, past job 3's 400 s)
        // it would not.
        SimResult predictor = run(w, Estimates.PREDICTOR);
        SimResult user = run(w, Estimates.USER);
        assertThat(predictor.startSeconds()[4]).isEqualTo(100.0);
        assertThat(user.startSeconds()[4]).isGreaterThan(100.0);
        // Its accuracy: jobs 3 and 4 were predicted at 50 s (job 3 ran 100: under), jobs 1, 2 and 5 at their limits.
        assertThat(predictor.summary().underestimatedShare()).isEqualTo(0.2);
        assertThat(user.summary().underestimatedShare()).isZero();
        assertThat(user.summary().medianEstimateRatio()).isEqualTo(8.0); // 400 / 50 (jobs 4 and 5: 8 and 9)
        assertThat(List.of(predictor.state())).containsOnly("completed");
    }
}
