package dev.kiln.corpus.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the corpus service, under {@code kiln.corpus}. */
@ConfigMapping(prefix = "kiln.corpus")
public interface CorpusServiceConfig {

    /** This replica's RocksDB stores of the global dedup index live in {@code <data-dir>/dedup-streams}. */
    @WithDefault("data/corpus")
    String dataDir();

    /** Encoding of the shards; must exist on the tokenizer service. */
    @WithDefault("r50k_base")
    String encoding();

    /** Tokens per shard (capped so a shard stays under Kafka's 1 MiB message limit). */
    @WithDefault("262144")
    int shardTokens();

    /** A partial shard is sealed and sent when no document arrived for this long. */
    @WithDefault("5s")
    Duration sealAfterIdle();

    /**
     * Also write every shard as an llm.c token file ({@code <shard id>.bin}) into this directory, so
     * other trainers can read the corpus. Unset: Kafka only. Needs a vocabulary of at most 65,536 ids.
     */
    Optional<String> llmcShardDir();

    /**
     * This replica's stable name: its shard producer's transactional id is {@code
     * <dedup.application-id>-shards-<replica-id>}, so a restarted replica fences its dead instance and
     * aborts the transaction it left open at once. Unset: the host name (a StatefulSet pod's name,
     * stable across restarts). Two live replicas must never share one.
     */
    Optional<String> replicaId();

    /**
     * How long a shard transaction may stay open before the broker aborts it: the longest that a
     * replica which dies mid-transaction and never comes back under its id holds up read_committed
     * readers (the trainer, the dedup stream tasks) on the partitions the transaction wrote.
     */
    @WithDefault("10s")
    Duration shardTransactionTimeout();

    /** Documents per tokenizer call, and characters per call at most. */
    @WithDefault("64")
    int tokenizeBatchDocuments();

    @WithDefault("2000000")
    int tokenizeBatchChars();

    /** Largest raw document accepted through IngestDocuments or Kafka, in bytes. */
    @WithDefault("16777216")
    int maxDocumentBytes();

    /**
     * Directories IngestWarc and IngestJsonl may read from; a path that lies outside them once
     * symbolic links are followed is PERMISSION_DENIED. A relative request path resolves against
     * the first. Default: the working directory.
     */
    @WithDefault(".")
    List<String> inputRoots();

    Topics topics();

    Dedup dedup();

    Pipeline pipeline();

    /** Kafka topics and the consumer group that corpus replicas share. */
    interface Topics {
        @WithDefault("kiln.corpus.documents")
        String documents();

        @WithDefault("kiln.corpus.shards")
        String shards();

        @WithDefault("kiln-corpus")
        String consumerGroup();

        /** Dedup keys of every document, keyed (so partitioned) by key; read by the dedup stream tasks. */
        @WithDefault("kiln.corpus.dedup.bands")
        String dedupBands();

        /** The dedup stream tasks' answers; each replica reads one partition of it. */
        @WithDefault("kiln.corpus.dedup.verdicts")
        String dedupVerdicts();

        /** Consume the documents topic; off for a replica that only serves gRPC ingestion. */
        @WithDefault("true")
        boolean consumeDocuments();
    }

    /** Global dedup on Kafka Streams (see the README's "Dedup across replicas"). */
    interface Dedup {
        /** Kafka Streams application id, the same on every replica (its consumer group and store names). */
        @WithDefault("kiln-corpus-dedup")
        String applicationId();

        /** Partitions of the band and verdict topics when this service creates them: the most replicas that share the work. */
        @WithDefault("12")
        int partitions();

        /** Replication of those topics and of the stores' changelogs; -1: the broker's default. */
        @WithDefault("-1")
        short replicationFactor();

        /** A document whose keys are not all answered within this fails (not committed, read again). */
        @WithDefault("2m")
        Duration verdictTimeout();

        /** How soon the other replicas take over the band partitions of a replica that died. */
        @WithDefault("10s")
        Duration sessionTimeout();

        /** Documents waiting for verdicts at most; ingestion blocks beyond. */
        @WithDefault("8192")
        int maxAwaitingVerdicts();

        /**
         * How often the dedup stream tasks commit. Each commit is one transaction (its markers go to
         * every partition it wrote), and an answer reaches its replica only once committed, so shorter
         * means quicker verdicts and more transactions per second.
         */
        @WithDefault("100ms")
        Duration commitInterval();

        /** How long a replica gathers requests bound for one band partition into one record. */
        @WithDefault("5ms")
        Duration batchLinger();

        /** A band record is sent once its requests reach this many bytes (below the broker's message limit). */
        @WithDefault("65536")
        int batchBytes();
    }

    /** The pipeline's steps and their main settings; the rest keep datatrove's FineWeb defaults. */
    interface Pipeline {
        /** Steps in order; see corpus-core/PIPELINE.md for each. */
        @WithDefault(
                "url_filter,html_extract,language,gopher_repetition,gopher_quality,c4_quality,fineweb_quality,exact_dedup,minhash_dedup,pii")
        List<String> steps();

        /** Languages kept by the language step (ISO 639-1). */
        @WithDefault("en")
        List<String> languages();

        /** Minimum probability of the detected language (FineWeb: 0.65). */
        @WithDefault("0.65")
        double languageThreshold();

        /** Replacement URL lists (one entry a line); unset: the lists shipped in the jar. */
        Optional<String> blockedDomainsFile();

        Optional<String> blockedUrlsFile();

        Optional<String> bannedWordsFile();

        /** Root of a downloaded UT1 block list copy (category folders with domains/urls); unset: none. */
        Optional<String> ut1Directory();

        /** UT1 categories applied from {@link #ut1Directory()} (FineWeb: adult). */
        @WithDefault("adult")
        List<String> ut1Categories();
    }
}
