package dev.kiln.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.corpus.v1.CorpusServiceGrpc;
import dev.kiln.proto.corpus.v1.GetStatsRequest;
import dev.kiln.proto.corpus.v1.IngestJsonlRequest;
import dev.kiln.proto.corpus.v1.IngestProgress;
import dev.kiln.proto.corpus.v1.StepStats;
import dev.kiln.proto.tokenizer.v1.TokenizeRequest;
import dev.kiln.proto.tokenizer.v1.TokenizerServiceGrpc;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import dev.kiln.testing.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The packaged console in a real headless Chromium, against the four packaged services and a real
 * Kafka broker, started once for the class. The story of the demo, seen through the page: an ingest
 * moves the funnel, a text is tokenized into spans, a run started from the form draws its loss
 * curve while it trains, its export is announced to the gateway, and the playground streams a
 * Generate from it. Every view is photographed into target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String SHARDS = "kiln.console.shards";
    private static final String RUN = "console-it";
    private static final String MODEL = "console-it-gpt";

    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static final List<ManagedChannel> CHANNELS = new ArrayList<>();
    private static Path root;
    private static ServiceProcess tokenizer;
    private static ServiceProcess corpus;
    private static ServiceProcess console;
    private static ChromeDriver driver;
    private static CompletableFuture<IngestProgress> ingest;

    @BeforeAll
    static void startTheStack() throws Exception {
        driver = Browser.start(); // first: a missing Chromium fails at once, not after the stack started
        root = Files.createTempDirectory("kiln-console-it");
        String kafka = KafkaBroker.shared().bootstrapServers();
        KafkaBroker.shared().createTopic(SHARDS, 1);
        tokenizer = start("tokenizer-service", Map.of("kiln.tokenizer.encodings-dir", dir("encodings")));
        Map<String, String> corpusConfig = new HashMap<>(tokenizerClient());
        corpusConfig.putAll(Map.of(
                "kafka.bootstrap.servers",
                kafka,
                "kiln.corpus.data-dir",
                dir("corpus"),
                "kiln.corpus.input-roots",
                dir("inputs"),
                "kiln.corpus.shard-tokens",
                "2048",
                "kiln.corpus.seal-after-idle",
                "1s",
                "kiln.corpus.topics.shards",
                SHARDS));
        corpus = start("corpus-service", corpusConfig);
        Map<String, String> trainerConfig = new HashMap<>(tokenizerClient());
        trainerConfig.putAll(Map.of(
                "kafka.bootstrap.servers", kafka,
                "kiln.trainer.data-dir", dir("trainer"),
                "kiln.trainer.models-dir", dir("models")));
        ServiceProcess trainer = start("trainer-service", trainerConfig);
        ServiceProcess gateway = start(
                "inference-gateway",
                Map.of("kafka.bootstrap.servers", kafka, "kiln.inference.models-dir", dir("models")));
        console = start(
                "console",
                Map.of(
                        "quarkus.grpc.clients.tokenizer.port", Integer.toString(tokenizer.port()),
                        "quarkus.grpc.clients.corpus.port", Integer.toString(corpus.port()),
                        "quarkus.grpc.clients.trainer.port", Integer.toString(trainer.port()),
                        "quarkus.grpc.clients.gateway.port", Integer.toString(gateway.port())));
    }

    private static String dir(String name) throws Exception {
        return Files.createDirectories(root.resolve(name)).toString();
    }

    private static Map<String, String> tokenizerClient() {
        return Map.of(
                "quarkus.grpc.clients.tokenizer.host",
                "localhost",
                "quarkus.grpc.clients.tokenizer.port",
                Integer.toString(tokenizer.port()));
    }

    private static ServiceProcess start(String module, Map<String, String> properties) {
        ServiceProcess service = ServiceProcess.start(module, properties);
        SERVICES.add(service);
        return service;
    }

    private static ManagedChannel channel(ServiceProcess service) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", service.port())
                .usePlaintext()
                .build();
        CHANNELS.add(channel);
        return channel;
    }

    @AfterAll
    static void stopTheStack() {
        if (driver != null) {
            driver.quit();
        }
        CHANNELS.forEach(ManagedChannel::shutdownNow);
        SERVICES.forEach(ServiceProcess::stop);
    }

    private static void open(String view) {
        driver.get("http://localhost:" + console.port() + "/#" + view);
        driver.navigate().refresh(); // a hash change alone does not reload the page
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    }

    private static String errorsShown() {
        return driver.findElements(By.cssSelector(".view.active .error")).stream()
                .map(WebElement::getText)
                .filter(t -> !t.isBlank())
                .toList()
                .toString();
    }

    @Test
    @Order(1)
    void theFunnelShowsTheRealStepsWhileAnIngestRuns() throws Exception {
        Path inputs = root.resolve("inputs");
        List<String> docs = Europarl.bodies().subList(0, 1500).stream()
                .map(Europarl::asDocument)
                .filter(d -> !d.isEmpty())
                .toList();
        Europarl.writeJsonl(inputs.resolve("europarl.jsonl"), docs, "console-");
        CorpusServiceGrpc.CorpusServiceBlockingStub stub =
                CorpusServiceGrpc.newBlockingStub(channel(corpus)).withDeadlineAfter(300, TimeUnit.SECONDS);
        ingest = CompletableFuture.supplyAsync(() -> {
            Iterator<IngestProgress> progress = stub.ingestJsonl(IngestJsonlRequest.newBuilder()
                    .setPath(inputs.resolve("europarl.jsonl").toString())
                    .build());
            IngestProgress last = null;
            while (progress.hasNext()) {
                last = progress.next();
            }
            return last;
        });

        open("corpus");
        waitUpTo(60)
                .withMessage(() -> "the funnel never showed documents; errors: " + errorsShown())
                .until(d -> ((Number)
                                        Browser.script(
                                                driver,
                                                "const c = kiln.charts.funnel; return c.data.labels.length ? c.data.datasets[0].data[0] + c.data.datasets[1].data[0] : 0;"))
                                .longValue()
                        > 0);
        IngestProgress done = ingest.get(300, TimeUnit.SECONDS);
        assertThat(done.getDone()).isTrue();
        List<StepStats> steps = CorpusServiceGrpc.newBlockingStub(channel(corpus))
                .getStats(GetStatsRequest.getDefaultInstance())
                .getStepsList();
        List<String> names = steps.stream().map(StepStats::getStep).toList();
        assertThat(names).contains("language");
        long keptAtLast = steps.get(steps.size() - 1).getDocumentsKept();
        // Live: the chart catches up with the final counters by itself, without a reload.
        waitUpTo(10)
                .withMessage(() -> "the funnel did not reach the final counters; errors: " + errorsShown())
                .until(d -> Browser.script(driver, "return kiln.charts.funnel.data.labels;")
                                .equals(names)
                        && ((Number)
                                                Browser.script(
                                                        driver,
                                                        "const k = kiln.charts.funnel.data.datasets[0].data; return k[k.length - 1];"))
                                        .longValue()
                                == keptAtLast);
        assertThat(driver.findElements(By.cssSelector("#corpus-steps tbody tr")))
                .hasSize(names.size());

        WebElement form = driver.findElement(By.id("inspect-form"));
        form.findElement(By.name("content"))
                .sendKeys("<html><body><p>" + "The committee adopted the report on fisheries policy today. ".repeat(8)
                        + "</p></body></html>");
        new Select(form.findElement(By.name("contentType"))).selectByValue("text/html");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitUpTo(20)
                .withMessage(() -> "no verdicts; errors: " + errorsShown())
                .until(d -> !d.findElements(By.cssSelector("#inspect-steps tbody tr"))
                        .isEmpty());
        assertThat(driver.findElement(By.id("inspect-result")).getText()).contains("language en");
        Browser.screenshot(driver, "corpus");
    }

    @Test
    @Order(2)
    void aTokenizedTextShowsOneSpanPerToken() throws Exception {
        // chromedriver types characters of the Basic Multilingual Plane only: no emoji here.
        String text = "Kiln colours every token: ünïcödé, 日本語 and Ελληνικά split into bytes.";
        int expected = TokenizerServiceGrpc.newBlockingStub(channel(tokenizer))
                .tokenize(TokenizeRequest.newBuilder()
                        .setEncoding("cl100k_base")
                        .setText(text)
                        .build())
                .getIdsCount();
        open("tokenizer");
        waitUpTo(20)
                .until(d -> d.findElements(By.cssSelector("#tok-left option")).size() >= 4);
        new Select(driver.findElement(By.id("tok-left"))).selectByValue("cl100k_base");
        new Select(driver.findElement(By.id("tok-right"))).selectByValue("r50k_base");
        WebElement input = driver.findElement(By.id("tok-text"));
        input.clear();
        input.sendKeys(text);
        waitUpTo(20)
                .withMessage(() -> "spans never matched; errors: " + errorsShown())
                .until(d -> d.findElements(By.cssSelector("#tok-left-out .tok")).size() == expected
                        && d.findElement(By.cssSelector("#tok-left-out .count"))
                                .getText()
                                .equals(Integer.toString(expected)));
        assertThat(driver.findElements(By.cssSelector("#tok-right-out .tok"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#encodings tbody tr")).size())
                .isGreaterThanOrEqualTo(4);
        Browser.screenshot(driver, "tokenizer");
    }

    @Test
    @Order(3)
    void aRunStartedFromTheFormDrawsItsLossCurveWhileItTrains() throws Exception {
        open("training");
        WebElement form = driver.findElement(By.id("start-form"));
        fill(form, "name", RUN);
        fill(form, "nLayer", "1");
        fill(form, "nHead", "4");
        fill(form, "nEmbd", "30"); // not divisible by the heads: the trainer's own message shows
        fill(form, "contextLength", "32");
        fill(form, "batchSize", "2");
        fill(form, "maxSteps", "40");
        fill(form, "warmupSteps", "2");
        fill(form, "evalInterval", "0");
        fill(form, "sampleInterval", "20");
        fill(form, "samplePrompt", "The");
        fill(form, "threads", "2");
        fill(form, "dataValue", SHARDS);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitUpTo(20).until(d -> !d.findElement(By.id("start-error")).getText().isBlank());
        assertThat(driver.findElement(By.id("start-error")).getText())
                .startsWith("INVALID_ARGUMENT")
                .contains("n_embd");

        fill(form, "nEmbd", "32");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        String points = "return kiln.charts.loss.data.datasets[0].data.length;";
        waitUpTo(120)
                .withMessage(() -> "the loss curve never started; errors: " + errorsShown())
                .until(d -> ((Number) Browser.script(driver, points)).intValue() >= 2);
        int early = ((Number) Browser.script(driver, points)).intValue();
        waitUpTo(120)
                .withMessage(() -> "the loss curve stopped at " + early + " points; errors: " + errorsShown())
                .until(d -> ((Number) Browser.script(driver, points)).intValue() > early);
        assertThat(early).as("points before the run ended").isLessThan(40);
        waitUpTo(180)
                .withMessage(() -> "the run did not complete; errors: " + errorsShown())
                .until(d -> d.findElement(By.id("run-state")).getText().equals("completed"));
        assertThat(((Number) Browser.script(driver, points)).intValue()).isEqualTo(40);
        assertThat(driver.findElements(By.cssSelector("#samples li"))).isNotEmpty();
        Browser.screenshot(driver, "training");

        fill(driver.findElement(By.id("run-actions")), By.id("export-name"), MODEL);
        driver.findElement(By.id("run-export")).click();
        waitUpTo(180)
                .withMessage(() -> "no export; errors: " + errorsShown())
                .until(d -> d.findElement(By.id("run-notice")).getText().startsWith("exported " + MODEL));
    }

    @Test
    @Order(4)
    void thePlaygroundStreamsAGenerateFromTheExportedModel() throws Exception {
        open("models");
        waitUpTo(90)
                .withMessage(() -> "the gateway never served " + MODEL + "; errors: " + errorsShown())
                .until(d -> {
                    if (d.findElements(By.xpath("//table[@id='models']//td[text()='" + MODEL + "']"))
                            .isEmpty()) {
                        Browser.script(driver, "kiln.views.models.refresh();");
                        return false;
                    }
                    return true;
                });
        new Select(driver.findElement(By.id("play-model"))).selectByValue(MODEL);
        fill(driver.findElement(By.id("view-models")), By.id("p-max"), "24");
        fill(driver.findElement(By.id("view-models")), By.id("p-seed"), "7");
        driver.findElement(By.id("gen-go")).click();
        waitUpTo(60)
                .withMessage(() -> "nothing streamed; errors: " + errorsShown())
                .until(d -> !d.findElement(By.id("gen-text")).getText().isEmpty());
        waitUpTo(60)
                .until(d -> d.findElement(By.id("gen-stats")).getText().contains("· length")
                        || d.findElement(By.id("gen-stats")).getText().contains("· eos"));
        assertThat(driver.findElement(By.id("gen-stats")).getText()).matches("TTFT \\d+ ms · \\d+ tokens · .*");
        assertThat(errorsShown()).isEqualTo("[]");
        Browser.screenshot(driver, "models");

        driver.findElement(By.cssSelector(".tabs button[data-tab=chat]")).click();
        driver.findElement(By.id("chat-input")).sendKeys("Hello there");
        driver.findElement(By.cssSelector("#chat-form button[type=submit]")).click();
        // A chat either streams a reply or shows the gateway's reason; never a blank panel. (A failed
        // reply's bubble is removed, so the page is asked in one script rather than element by element.)
        String chatShown = "const a = document.querySelector('#chat-log .assistant');"
                + " return (a ? a.textContent.trim() : '') + document.getElementById('play-error').textContent.trim();";
        waitUpTo(60).until(d -> !((String) Browser.script(driver, chatShown)).isEmpty());
        Browser.screenshot(driver, "chat");
    }

    private static void fill(WebElement form, String name, String value) {
        fill(form, By.name(name), value);
    }

    private static void fill(WebElement scope, By field, String value) {
        WebElement input = scope.findElement(field);
        input.clear();
        input.sendKeys(value);
    }
}
