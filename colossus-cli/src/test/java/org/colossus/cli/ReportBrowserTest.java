package org.colossus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's HTML report in a real browser (issue 19: the report and the console share their chart code): every
 * time plot is drawn on a canvas by the console's plot module embedded in the file, with no error and no request
 * leaving the page. Skipped where chromium is not installed, unless {@code COLOSSUS_REQUIRE_BROWSER=1}.
 */
class ReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void report_openedInChromium_drawsEveryTimePlotWithTheConsolesModule(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("1".equals(System.getenv("COLOSSUS_REQUIRE_BROWSER"))) {
                throw new AssertionError("COLOSSUS_REQUIRE_BROWSER=1 but " + CHROMIUM + " is not installed");
            }
            Assumptions.abort("browser test skipped: " + CHROMIUM + " is not installed (apt-get install chromium)");
        }
        Path w = dir.resolve("w.csv");
        Files.writeString(w, "job_id,submit_time_s,num_gpus,duration_s,time_limit_s\n1,0,8,100,100\n2,1,16,50,50\n"
                + "3,2,8,50,200\n4,40,4,30,600\n");
        Path report = dir.resolve("report.html");
        ColossusCliTest.Result r = ColossusCliTest.run("simulate", "--fleet", "uniform:2x8", "--workload", w.toString(),
                "--policy", "backfill,fair", "--estimates", "exact,user", "--report", report.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        long plots = Files.readString(report).split("data-chart=\"", -1).length - 1;
        assertThat(plots).isEqualTo(2);
        try (Playwright playwright = Playwright.create();
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                     .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--no-first-run")))) {
            Page page = browser.newPage();
            List<String> problems = new ArrayList<>();
            page.onConsoleMessage(m -> {
                if (m.type().equals("error")) {
                    problems.add(m.text());
                }
            });
            page.onPageError(problems::add);
            page.onRequest(q -> {
                if (!q.url().startsWith("file:") && !q.url().startsWith("data:")) {
                    problems.add("request to " + q.url());
                }
            });
            page.navigate(report.toUri().toString());
            page.waitForSelector("body[data-charts-drawn]");
            assertThat(page.getAttribute("body", "data-charts-drawn")).isEqualTo(String.valueOf(plots));
            // Four series (two policies, two estimate sources) with their samples, and the table beside each plot.
            assertThat(page.locator("canvas.plot").first().getAttribute("data-samples")).isNotEqualTo("0");
            assertThat(page.locator("figure.plot-figure table").count()).isEqualTo((int) plots);
            assertThat(page.locator("figure.plot-figure").first().textContent()).contains("backfill/exact", "fair");
            assertThat(problems).isEmpty();
            Path shots = Path.of("target", "console-screenshots");
            Files.createDirectories(shots);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("report.png")).setFullPage(true));
        }
    }
}
