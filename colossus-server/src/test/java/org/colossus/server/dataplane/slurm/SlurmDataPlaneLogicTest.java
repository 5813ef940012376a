package org.colossus.server.dataplane.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.colossus.fleet.Catalog;
import org.colossus.fleet.Fleet;
import org.colossus.fleet.FleetLoader;
import org.colossus.server.journal.Payload;
import org.colossus.server.state.ControlState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm data plane's decisions, one reading at a time, against a hand-written fake of Slurm: what it submits,
 * cancels and signals, and what it reports for each thing Slurm says. (SlurmDataPlaneTest runs the real daemons.)
 */
class SlurmDataPlaneLogicTest {
    @TempDir
    Path dir;

    private final FakeSlurm slurm = new FakeSlurm();
    private long now = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();
    private final InstantSource clock = () -> Instant.ofEpochMilli(now);

    private static final Fleet FLEET = Fleet.build(new FleetLoader(Catalog.standard()).parse("lab.yaml", """
            name: lab
            facility: {powerCapacity: 1 MW, pue: 1.3}
            pods:
              - count: 1
                racks:
                  - count: 2
                    nodeType: hgx-h100
                    nodesPerRack: 2
            nodeNames: [gpu01, gpu02, gpu03, gpu04]
            """));

    /** A hand-written Slurm: jobs and nodes as the test sets them; every call recorded. */
    static final class FakeSlurm implements Slurm {
        final List<Submission> submitted = new ArrayList<>();
        final List<String> cancelled = new ArrayList<>();
        final List<String> signalled = new ArrayList<>();
        final List<String> drained = new ArrayList<>();
        final Map<String, Job> jobs = new java.util.TreeMap<>();
        final Map<String, Node> nodes = new java.util.TreeMap<>();
        String refuse;
        boolean down;
        int nextId = 100;

        FakeSlurm() {
            for (String n : List.of("gpu01", "gpu02", "gpu03", "gpu04")) {
                idle(n);
            }
        }

        void idle(String n) {
            nodes.put(n, new Node(n, "idle", List.of(), "", "gpu:h100:8", List.of("colossus"), 32, 64_000));
        }

        void job(String id, long colossusId, String state, String... nodeNames) {
            jobs.put(id, new Job(id, "colossus-" + colossusId, "colossus lab job " + colossusId + " tenant acme", state,
                    List.of(nodeNames), 0, "None"));
        }

        private void reachable() {
            if (down) {
                throw new SlurmException("Unable to contact slurm controller (connect failure)", true);
            }
        }

        @Override
        public String submit(Submission job) {
            reachable();
            if (refuse != null) {
                throw new SlurmException("sbatch: " + refuse, false);
            }
            submitted.add(job);
            String id = String.valueOf(nextId++);
            jobs.put(id, new Job(id, job.name(), job.comment(), "PENDING", job.nodes(), 0, "None"));
            return id;
        }

        @Override
        public void cancel(String jobId) {
            reachable();
            cancelled.add(jobId);
            Job j = jobs.get(jobId);
            if (j != null) {
                jobs.put(jobId, new Job(jobId, j.name(), j.comment(), "CANCELLED", j.nodes(), 0, "None"));
            }
        }

        @Override
        public void signal(String jobId, String signal) {
            reachable();
            signalled.add(jobId + ":" + signal);
        }

        @Override
        public List<Job> jobs() {
            reachable();
            return new ArrayList<>(jobs.values());
        }

        @Override
        public List<Node> nodes() {
            reachable();
            return new ArrayList<>(nodes.values());
        }

        @Override
        public void drain(String node, boolean drain, String reason) {
            reachable();
            drained.add(node + (drain ? ":drain:" + reason : ":resume"));
        }

        @Override
        public List<Switch> topology() {
            return List.of();
        }
    }

    private SlurmDataPlane plane() {
        return new SlurmDataPlane(FLEET, slurm, new SlurmDataPlane.Settings(dir, 100, 30_000), clock, false);
    }

    private static ControlState.Launch launch(long id, List<Integer> nodes, int gpusPerNode, Payload.JobRun run) {
        return new ControlState.Launch(id, "acme", "j" + id, nodes, gpusPerNode, 0, 600_000, Long.MAX_VALUE, false,
                run, false);
    }

    private static Payload.JobRun command(String... argv) {
        return new Payload.JobRun(List.of(argv), null, Map.of("A", "b"), null);
    }

    private void setState(String id, String state) {
        Slurm.Job j = slurm.jobs.get(id);
        slurm.jobs.put(id, new Slurm.Job(id, j.name(), j.comment(), state, j.nodes(), j.exitStatus(), j.reason()));
    }

    @Test
    void launch_submitsOnePinnedJobWithItsEnvironmentAndNothingOfTheServers() {
        SlurmDataPlane p = plane();
        p.launch(launch(1, List.of(0, 1), 8, command("echo", "it's")), now);
        p.round();
        assertThat(slurm.submitted).hasSize(1);
        Slurm.Submission s = slurm.submitted.get(0);
        assertThat(s.nodes()).containsExactly("gpu01", "gpu02");
        assertThat(s.gpusPerNode()).isEqualTo(8);
        assertThat(s.exclusive()).as("whole nodes").isTrue();
        assertThat(s.comment()).isEqualTo("colossus lab job 1 tenant acme");
        assertThat(s.script()).isEqualTo("#!/bin/sh\nexec 'echo' 'it'\\''s'\n");
        assertThat(s.env()).containsEntry("A", "b").containsEntry("COLOSSUS_JOB_ID", "1")
                .containsEntry("COLOSSUS_WORK_DONE_SECONDS", "0").doesNotContainKey("PATH");
        assertThat(s.timeLimitSeconds()).isEqualTo(600);
        p.round();
        assertThat(slurm.submitted).as("submitted once").hasSize(1);
        setState("100", "RUNNING");
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.JobLaunched(1, "100"));
    }

    @Test
    void launch_partialNode_getsItsShareOfCpusAndMemory() {
        SlurmDataPlane p = plane();
        p.adopt(List.of(), Set.of(), now);
        p.round(); // learns the nodes' sizes
        p.launch(launch(1, List.of(2), 2, command("true")), now);
        p.round();
        Slurm.Submission s = slurm.submitted.get(0);
        assertThat(s.exclusive()).isFalse();
        assertThat(s.cpusPerGpu()).isEqualTo(4);
        assertThat(s.memoryPerGpuMb()).isEqualTo(8000);
    }

    @Test
    void launch_script_isWrittenToAFileSoItsSbatchLinesAreNotSlurms() throws Exception {
        SlurmDataPlane p = plane();
        String script = "#!/bin/bash\n#SBATCH --nodelist=gpu04\necho hi\n";
        p.launch(launch(3, List.of(0), 8, new Payload.JobRun(null, script, Map.of(), "/work")), now);
        p.round();
        Slurm.Submission s = slurm.submitted.get(0);
        Path file = dir.resolve("job-3.sh");
        assertThat(s.script()).isEqualTo("#!/bin/sh\nexec '" + file + "'\n").doesNotContain("SBATCH");
        assertThat(Files.readString(file)).isEqualTo(script);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwx------");
        assertThat(s.workdir()).isEqualTo("/work");
    }

    @Test
    void reports_ofAnEarlierRun_areDroppedOnceTheJobRunsAgain() {
        SlurmDataPlane p = plane();
        p.launch(launch(1, List.of(0), 8, command("true")), now);
        p.round();
        p.abort(1); // requeued by the engine
        p.launch(launch(1, List.of(1), 8, command("true")), now);
        setState("100", "FAILED");
        p.round();
        assertThat(slurm.cancelled).contains("100");
        setState("101", "RUNNING");
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.JobLaunched(1, "101"));
    }

    @Test
    void finished_states_becomeExitCodesAndReasons() {
        SlurmDataPlane p = plane();
        for (long id = 1; id <= 4; id++) {
            p.launch(launch(id, List.of((int) id - 1), 8, command("true")), now);
        }
        p.round();
        slurm.jobs.put("100", new Slurm.Job("100", "colossus-1", "colossus lab job 1 tenant acme", "COMPLETED",
                List.of("gpu01"), 0, "None"));
        slurm.jobs.put("101", new Slurm.Job("101", "colossus-2", "colossus lab job 2 tenant acme", "FAILED",
                List.of("gpu02"), 3 << 8, "NonZeroExitCode"));
        slurm.jobs.put("102", new Slurm.Job("102", "colossus-3", "colossus lab job 3 tenant acme", "TIMEOUT",
                List.of("gpu03"), 0, "TimeLimit"));
        slurm.jobs.put("103", new Slurm.Job("103", "colossus-4", "colossus lab job 4 tenant acme", "CANCELLED",
                List.of("gpu04"), 0, "None"));
        p.round();
        assertThat(p.poll(now)).contains(
                new Payload.JobFinished(1, null, 0, null),
                new Payload.JobFinished(2, null, 3, "exit code 3 in Slurm job 101"),
                new Payload.JobFinished(3, true, null, null),
                new Payload.JobFinished(4, null, null, "cancelled in Slurm job 103"));
    }

    @Test
    void controllerUnreachable_reportsNothingSaysWhyAndSubmitsWhenBack() {
        SlurmDataPlane p = plane();
        assertThat(p.unavailable()).as("before the first reading").isNotNull();
        p.adopt(List.of(), Set.of(), now);
        p.round();
        assertThat(p.unavailable()).isNull();
        slurm.down = true;
        p.launch(launch(1, List.of(0), 8, command("true")), now);
        try {
            p.round();
        } catch (SlurmException expected) {
            // the worker records it as the reason
        }
        assertThat(p.poll(now)).isEmpty();
        slurm.down = false;
        p.round();
        assertThat(slurm.submitted).hasSize(1);
        assertThat(p.unavailable()).isNull();
    }

    @Test
    void refusedSubmission_failsTheJobWithSlurmsWords() {
        SlurmDataPlane p = plane();
        slurm.refuse = "Batch job submission failed: Requested time limit is invalid";
        p.launch(launch(1, List.of(0), 8, command("true")), now);
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.JobFinished(1, null, null,
                "Slurm refused the job: sbatch: Batch job submission failed: Requested time limit is invalid"));
    }

    @Test
    void pendingForAReasonNoWaitResolves_isCancelledAndFails() {
        SlurmDataPlane p = plane();
        p.launch(launch(1, List.of(0), 8, command("true")), now);
        p.round();
        slurm.jobs.put("100", new Slurm.Job("100", "colossus-1", "colossus lab job 1 tenant acme", "PENDING",
                List.of(), 0, "PartitionTimeLimit"));
        p.round();
        assertThat(p.poll(now)).singleElement().asString().contains("PartitionTimeLimit");
        p.round();
        assertThat(slurm.cancelled).containsExactly("100");
    }

    @Test
    void nodes_downOrDrainedOutsideColossus_failAndComeBack_colossusDrainsDoNot() {
        SlurmDataPlane p = plane();
        p.adopt(List.of(), Set.of(), now);
        slurm.nodes.put("gpu02", new Slurm.Node("gpu02", "down", List.of(), "test", "gpu:h100:8", List.of(), 32, 64000));
        slurm.nodes.put("gpu03", new Slurm.Node("gpu03", "idle", List.of("DRAIN"), "disk", "gpu:h100:8", List.of(), 32, 64000));
        slurm.nodes.put("gpu04", new Slurm.Node("gpu04", "idle", List.of("DRAIN"), SlurmDataPlane.DRAIN_REASON,
                "gpu:h100:8", List.of(), 32, 64000));
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.NodeFailed(1), new Payload.NodeFailed(2));
        slurm.idle("gpu02");
        slurm.nodes.remove("gpu01"); // gone from Slurm's node list: as good as down
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.NodeFailed(0), new Payload.NodeRepaired(1));
        p.drain(3, true);
        p.round();
        assertThat(slurm.drained).containsExactly("gpu04:drain:" + SlurmDataPlane.DRAIN_REASON);
    }

    @Test
    void nodeFailOfAJob_reportsItsNodesFailedThenRepaired() {
        SlurmDataPlane p = plane();
        p.launch(launch(1, List.of(0, 1), 8, command("true")), now);
        p.round();
        setState("100", "NODE_FAIL");
        slurm.jobs.put("100", new Slurm.Job("100", "colossus-1", "colossus lab job 1 tenant acme", "NODE_FAIL",
                List.of("gpu01", "gpu02"), 0, "NodeDown"));
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.JobLaunched(1, "100"), new Payload.NodeFailed(0),
                new Payload.NodeFailed(1));
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.NodeRepaired(0), new Payload.NodeRepaired(1));
    }

    @Test
    void adopt_findsJobsByHandleOrCommentSubmitsTheMissingAndCancelsOrphans() {
        slurm.job("10", 5, "RUNNING", "gpu01");
        slurm.job("11", 5, "RUNNING", "gpu01"); // a second submission of job 5: the newest is kept
        slurm.job("12", 99, "RUNNING", "gpu03"); // no run accounts for it
        slurm.job("13", 6, "RUNNING", "gpu02");
        slurm.jobs.put("14", new Slurm.Job("14", "train", "someone else's", "RUNNING", List.of("gpu04"), 0, "None"));
        SlurmDataPlane p = plane();
        p.adopt(List.of(
                running(5, null, List.of(0)),
                running(6, "13", List.of(1)),
                running(7, null, List.of(2)),
                running(8, "77", List.of(3))), Set.of(), now);
        p.round();
        assertThat(slurm.cancelled).containsExactlyInAnyOrder("10", "12");
        assertThat(slurm.cancelled).doesNotContain("14"); // not Colossus's: never cancelled
        assertThat(p.poll(now)).containsExactly(new Payload.JobLaunched(5, "11"),
                new Payload.JobFinished(8, null, null, "Slurm no longer knows its job 77 (after a restart of the"
                        + " control plane)"), new Payload.NodeDrain(3, true)); // job 14 holds gpu04
        p.round();
        assertThat(slurm.submitted).singleElement().extracting(Slurm.Submission::comment)
                .isEqualTo("colossus lab job 7 tenant acme");
    }

    private static ControlState.RunningJob running(long id, String handle, List<Integer> nodes) {
        return new ControlState.RunningJob(id, 0, 0, 600_000, false, nodes, Long.MAX_VALUE, handle,
                launch(id, nodes, 8, command("true")));
    }

    @Test
    void preempt_signalsThenCancelsAfterTheGrace_andReportsTheWorkSaved() throws Exception {
        SlurmDataPlane p = plane();
        p.launch(launch(1, List.of(0), 8, command("true")), now);
        p.round();
        setState("100", "RUNNING");
        Files.writeString(dir.resolve("job-1.checkpoint"), "120\n");
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.JobLaunched(1, "100"),
                new Payload.JobCheckpointed(1, 120_000));
        p.preempt(1, 10_000, now);
        p.round();
        assertThat(slurm.signalled).containsExactly("100:USR1");
        now += 11_000;
        p.round();
        assertThat(slurm.cancelled).containsExactly("100");
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.JobStopped(1, 600_000 - 120_000));
    }

    @Test
    void foreignJobs_areNeverCancelled_theirNodesAreDrainedWhileTheyRun() {
        SlurmDataPlane p = plane();
        p.adopt(List.of(), Set.of(), now);
        slurm.jobs.put("14", new Slurm.Job("14", "train", "", "RUNNING", List.of("gpu04"), 0, "None"));
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.NodeDrain(3, true));
        p.drain(3, true); // the engine's echo of the journaled drain
        p.round();
        setState("14", "COMPLETED");
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.NodeDrain(3, false));
        p.drain(3, false);
        p.round();
        assertThat(slurm.drained).as("nothing passed on to Slurm").isEmpty();
        assertThat(slurm.cancelled).isEmpty();
        // The operator's own drain is passed on, and a foreign job's end does not undo it.
        p.drain(2, true);
        slurm.jobs.put("15", new Slurm.Job("15", "train", "", "RUNNING", List.of("gpu03"), 0, "None"));
        p.round();
        setState("15", "COMPLETED");
        p.round();
        assertThat(p.poll(now)).isEmpty();
        assertThat(slurm.drained).containsExactly("gpu03:drain:" + SlurmDataPlane.DRAIN_REASON);
    }

    @Test
    void afterARestart_aNodeDrainedForAForeignJobThatEnded_isReturned_theOperatorsDrainStays() {
        slurm.nodes.put("gpu04", new Slurm.Node("gpu04", "idle", List.of("DRAIN"), SlurmDataPlane.DRAIN_REASON,
                "gpu:h100:8", List.of(), 32, 64000));
        SlurmDataPlane p = plane();
        p.drained(Set.of(2, 3)); // the journal: gpu03 drained for a foreign job (gone now), gpu04 by the operator
        p.adopt(List.of(), Set.of(), now);
        p.round();
        assertThat(p.poll(now)).containsExactly(new Payload.NodeDrain(2, false));
        p.drain(2, false); // the engine's echo
        p.round();
        assertThat(slurm.drained).isEmpty();
        assertThat(p.poll(now)).isEmpty();
    }

    @Test
    void stepDown_leavesEverythingRunning() {
        SlurmDataPlane p = plane();
        slurm.job("10", 5, "RUNNING", "gpu01");
        p.adopt(List.of(running(5, "10", List.of(0))), Set.of(), now);
        p.round();
        p.stepDown(now);
        p.round();
        assertThat(slurm.cancelled).isEmpty();
        assertThat(p.poll(now)).isEmpty();
    }

    @Test
    void commandTail_quotesEveryArgument() {
        assertThat(SlurmDataPlane.commandTail(List.of("a b", "$HOME", "'", "`x`")))
                .isEqualTo("exec 'a b' '$HOME' ''\\''' '`x`'\n");
    }
}
