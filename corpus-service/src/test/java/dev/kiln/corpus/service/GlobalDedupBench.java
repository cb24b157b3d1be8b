package dev.kiln.corpus.service;

import dev.kiln.corpus.pipeline.Pipeline;
import dev.kiln.corpus.pipeline.PipelineConfig;
import dev.kiln.corpus.pipeline.PipelineDocument;
import dev.kiln.corpus.pipeline.PipelineStep;
import dev.kiln.corpus.pipeline.Pipelines;
import dev.kiln.corpus.pipeline.dedup.ExactDeduplicator;
import dev.kiln.corpus.pipeline.dedup.MinHashDeduplicator;
import dev.kiln.testing.Europarl;
import dev.kiln.testing.KafkaBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not part of the suite: documents/s per replica of global dedup (1 and 2 in-process
 * replicas against the real broker, steps html_extract, exact_dedup, minhash_dedup) and the disk bytes
 * per document it leaves (RocksDB state directories + the dedup topics and changelogs on the broker),
 * beside the in-process in-heap dedup on the same documents. Run:
 * {@code ./mvnw -B -o test -pl corpus-service/corpus-core,corpus-service -am -Dtest=GlobalDedupBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dkiln.bench.dedup=true}
 */
@EnabledIfSystemProperty(named = "kiln.bench.dedup", matches = "true")
class GlobalDedupBench {

    @TempDir
    Path dir;

    @Test
    void bench() throws Exception {
        int n = Integer.getInteger("kiln.bench.dedup.documents", 20_000);
        List<String> texts = new ArrayList<>();
        for (String body : Europarl.bodies()) {
            texts.add(Europarl.asDocument(body));
            if (texts.size() == n) {
                break;
            }
        }
        n = texts.size();
        // The peer does the same work minus Kafka: the same steps with the in-heap indexes, then r50k
        // tokenization of what is kept. Twice, each with fresh indexes: the second pass runs warm, and its
        // rate is the one compared with.
        double localRate = 0;
        double localCpuRate = 0;
        for (int pass = 1; pass <= 2; pass++) {
            Pipeline local = Pipelines.build(PipelineConfig.defaults().withSteps(DedupReplica.STEPS));
            long t0 = System.nanoTime();
            long cpu0 = cpuNanos();
            long kept = 0;
            for (String text : texts) {
                PipelineDocument doc = PipelineDocument.ofBytes(
                        null, null, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
                if (local.process(doc).kept()) {
                    DedupReplica.R50K.encodeOrdinary(doc.text());
                    kept++;
                }
            }
            localRate = n / ((System.nanoTime() - t0) / 1e9);
            localCpuRate = n / ((cpuNanos() - cpu0) / 1e9);
            long heapBytes = 0;
            for (PipelineStep step : local.steps()) {
                if (step instanceof ExactDeduplicator exact) {
                    heapBytes += exact.memoryBytes();
                } else if (step instanceof MinHashDeduplicator minHash) {
                    heapBytes += minHash.memoryBytes();
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "BENCH in-heap dedup (one thread, no Kafka), pass %d: %d docs, %d kept, %.0f docs/s, %.0f docs per"
                            + " CPU-second; index tables %.0f B/doc in heap%n",
                    pass,
                    n,
                    kept,
                    localRate,
                    localCpuRate,
                    heapBytes / (double) n);
        }
        for (int replicas : new int[] {1, 2}) {
            run(texts, replicas, localRate, localCpuRate);
        }
    }

    private void run(List<String> texts, int replicas, double localRate, double localCpuRate) throws Exception {
        DedupReplica.Topics topics = DedupReplica.Topics.create("kiln.bench.dedup.");
        topics.send(texts, i -> null);
        List<DedupReplica> running = new ArrayList<>();
        Path state = dir.resolve(topics.applicationId());
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        for (int i = 0; i < replicas; i++) {
            running.add(new DedupReplica("bench-" + i, topics, state.resolve("replica-" + i)));
        }
        // One admin client for the whole wait: creating one per poll cost more CPU than the stream tasks did.
        // The steady rate is taken from a quarter of the documents committed to all of them: start-up,
        // the first rebalances and most of the JIT's work on the Kafka paths fall before it.
        long quarter = texts.size() / 4;
        long tQuarter = 0;
        long cpuQuarter = 0;
        long committedAtQuarter = 0;
        Map<String, Long> threadsAtQuarter = threadCpu();
        try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
            while (!topics.allCommitted(admin)) {
                if (tQuarter == 0) {
                    long committed = committed(admin, topics);
                    if (committed >= quarter) {
                        tQuarter = System.nanoTime();
                        cpuQuarter = cpuNanos();
                        threadsAtQuarter = threadCpu();
                        committedAtQuarter = committed;
                    }
                }
                Thread.sleep(100);
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = cpuNanos();
        if (tQuarter == 0) {
            // The group committed from under a quarter straight to the end between two polls: no window.
            tQuarter = t0;
            cpuQuarter = cpu0;
        }
        double seconds = (t1 - t0) / 1e9;
        double cpuSeconds = (cpu1 - cpu0) / 1e9;
        double steadyDocs = texts.size() - committedAtQuarter;
        double steadySeconds = (t1 - tQuarter) / 1e9;
        double steadyCpuSeconds = (cpu1 - cpuQuarter) / 1e9;
        Map<String, Long> threadsAtEnd = threadCpu();
        Map<String, Long> spent = new java.util.TreeMap<>();
        Map<String, Long> before = threadsAtQuarter;
        threadsAtEnd.forEach((group, nanos) -> spent.put(group, nanos - before.getOrDefault(group, 0L)));
        long javaThreads = spent.values().stream().mapToLong(Long::longValue).sum();
        spent.put("JIT, GC and other VM threads", (cpu1 - cpuQuarter) - javaThreads);
        double docsSteady = texts.size() - committedAtQuarter;
        StringBuilder where = new StringBuilder();
        spent.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> where.append(
                        String.format(Locale.ROOT, "; %s %.0f", e.getKey(), e.getValue() / 1e3 / docsSteady)));
        System.out.printf(
                Locale.ROOT,
                "BENCH CPU microseconds per document by thread, steady, %d replica(s)%s%n",
                replicas,
                where);
        long kept = running.stream()
                .mapToLong(r -> r.engine.stats().documentsKept())
                .sum();
        // Closing flushes RocksDB's memtables into its files, which is what a restart finds on disk. All at
        // once, so no replica takes over (and restores a second copy of) the stores of one that left.
        running.parallelStream().forEach(DedupReplica::close);
        long stateBytes = size(state);
        long changelogBytes = topicBytes(topics, t -> t.startsWith(topics.applicationId() + "-"));
        long messageBytes = topicBytes(topics, t -> t.equals(topics.bands()) || t.equals(topics.verdicts()));
        double n = texts.size();
        System.out.printf(
                Locale.ROOT,
                "BENCH records per document, %d replica(s): band topic %.1f, verdict topic %.1f, changelogs %.1f"
                        + " (verdicts and changelogs are written in transactions: their offsets count the commit markers"
                        + " too)%n",
                replicas,
                endOffsets(topics.bands()) / n,
                endOffsets(topics.verdicts()) / n,
                (endOffsets(topics.applicationId() + "-" + DedupTopology.CLAIMS + "-changelog")
                                + endOffsets(topics.applicationId() + "-" + DedupTopology.WAITING + "-changelog"))
                        / n);
        Map<String, Long> logged = changelogRecords(topics);
        StringBuilder perStore = new StringBuilder();
        logged.forEach((store, count) -> perStore.append(String.format(Locale.ROOT, ", %s %.1f", store, count / n)));
        System.out.printf(
                Locale.ROOT,
                "BENCH changelog data records (= store writes) per document, %d replica(s): %.1f%s%n",
                replicas,
                logged.values().stream().mapToLong(Long::longValue).sum() / n,
                perStore);
        System.out.printf(
                Locale.ROOT,
                "BENCH global dedup steady, %d replica(s): from %d documents committed on, %.0f docs in %.1f s ="
                        + " %.0f docs/s per replica (%.2fx in-heap), %.0f docs per CPU-second (%.2fx in-heap)%n",
                replicas,
                committedAtQuarter,
                steadyDocs,
                steadySeconds,
                steadyDocs / steadySeconds / replicas,
                steadyDocs / steadySeconds / replicas / localRate,
                steadyDocs / steadyCpuSeconds,
                steadyDocs / steadyCpuSeconds / localCpuRate);
        System.out.printf(
                Locale.ROOT,
                "BENCH global dedup, %d replica(s): %d docs (%d kept) in %.1f s (start-up included) = %.0f docs/s"
                        + " per replica (%.2fx in-heap); %.0f docs per CPU-second of the JVM, broker included"
                        + " (%.2fx in-heap); load average %s; disk B/doc: index %.0f (RocksDB files %.0f + changelogs"
                        + " %.0f), band and verdict topics %.0f (until retention deletes them)%n",
                replicas,
                texts.size(),
                kept,
                seconds,
                n / seconds / replicas,
                n / seconds / replicas / localRate,
                n / cpuSeconds,
                n / cpuSeconds / localCpuRate,
                loadAverage(),
                (stateBytes + changelogBytes) / n,
                stateBytes / n,
                changelogBytes / n,
                messageBytes / n);
    }

    /** Documents the replicas' group committed (the documents topic is written from offset 0). */
    private static long committed(Admin admin, DedupReplica.Topics topics) throws Exception {
        return admin.listConsumerGroupOffsets(topics.group()).partitionsToOffsetAndMetadata().get().values().stream()
                .filter(java.util.Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    /** The sum of {@code topic}'s end offsets (0 when it does not exist). */
    private static long endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return 0;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    /**
     * The data records (puts and deletes; no transaction markers) in each of the run's changelogs, read
     * committed from the start: every one is a write of a RocksDB store. Keyed by store name.
     */
    private static Map<String, Long> changelogRecords(DedupReplica.Topics topics) throws Exception {
        String prefix = topics.applicationId() + "-";
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
            for (String topic : admin.listTopics().names().get()) {
                if (topic.startsWith(prefix) && topic.endsWith("-changelog")) {
                    long count = TopicContents.forEach(topic, true, Duration.ofSeconds(120), r -> {});
                    counts.put(topic.substring(prefix.length(), topic.length() - "-changelog".length()), count);
                }
            }
        }
        return counts;
    }

    /** CPU time so far of the JVM's live threads, summed by what they do (their names without numbers and ids). */
    private static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new HashMap<>();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = mx.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                byGroup.merge(group(info.getThreadName()), nanos, Long::sum);
            }
        }
        return byGroup;
    }

    private static String group(String thread) {
        if (thread.contains("StreamThread") && thread.contains("producer")) {
            return "stream tasks' producer I/O";
        }
        if (thread.contains("StreamThread")) {
            return "stream tasks";
        }
        if (thread.startsWith("data-plane-kafka")
                || thread.startsWith("kafka-") && !thread.contains("producer")
                || thread.contains("coordinator")
                || thread.contains("Txn")
                || thread.contains("quorum")
                || thread.contains("ExpirationReaper")
                || thread.contains("raft")
                || thread.contains("LogCleaner")) {
            return "broker";
        }
        if (thread.contains("producer-network-thread")) {
            return "producers' I/O (bands, shards)";
        }
        return thread.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "").replaceAll("\\d+", "N");
    }

    /** CPU time of this whole JVM (every thread: replicas, stream tasks, the in-process broker, JIT, GC). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        return String.format(
                Locale.ROOT,
                "%.1f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long size(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    /** Bytes on the broker of this run's topics that {@code ours} selects. */
    private static long topicBytes(DedupReplica.Topics topics, Predicate<String> ours) throws Exception {
        try (Admin admin = Admin.create(KafkaBroker.shared().clientProperties())) {
            int broker = admin.describeCluster().nodes().get().iterator().next().id();
            long bytes = 0;
            for (var dirs : admin.describeLogDirs(List.of(broker))
                    .allDescriptions()
                    .get()
                    .get(broker)
                    .values()) {
                for (var replica : dirs.replicaInfos().entrySet()) {
                    if (ours.test(replica.getKey().topic())) {
                        bytes += replica.getValue().size();
                    }
                }
            }
            return bytes;
        }
    }
}
