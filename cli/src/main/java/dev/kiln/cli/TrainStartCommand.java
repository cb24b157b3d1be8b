package dev.kiln.cli;

import dev.kiln.proto.trainer.v1.DataSource;
import dev.kiln.proto.trainer.v1.KafkaShards;
import dev.kiln.proto.trainer.v1.ModelConfig;
import dev.kiln.proto.trainer.v1.OptimizerConfig;
import dev.kiln.proto.trainer.v1.Run;
import dev.kiln.proto.trainer.v1.StartRunRequest;
import dev.kiln.proto.trainer.v1.TrainerServiceGrpc;
import dev.kiln.proto.trainer.v1.TrainingConfig;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * StartRunRequest as options. Shape and budget options have small defaults so a first run
 * works without reading the proto; options left out otherwise take the server's defaults.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = "Starts a training run (StartRunRequest); prints its id and state.",
        footer = {
            "",
            "Example:  kiln train start --name tiny --layers 2 --heads 4 --embd 128 \\",
            "            --context 128 --batch-size 8 --steps 200 --lr 1e-3 --watch"
        })
final class TrainStartCommand extends ServiceCommand {

    @Option(names = "--name", required = true, description = "Run name (letters, digits, _ - .); becomes the run id.")
    String name;

    @Option(
            names = "--encoding",
            defaultValue = "r50k_base",
            description = "Encoding of the training shards. Default: ${DEFAULT-VALUE}.")
    String encoding;

    @Option(names = "--layers", defaultValue = "2", description = "Transformer blocks. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads. Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(
            names = "--embd",
            defaultValue = "128",
            description = "Embedding width n_embd, divisible by --heads. Default: ${DEFAULT-VALUE}.")
    int embd;

    @Option(
            names = "--context",
            defaultValue = "128",
            description = "Context length in tokens. Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--vocab-size", description = "Vocabulary size (default: the encoding's).")
    Integer vocabSize;

    @Option(
            names = "--architecture",
            paramLabel = "gpt2|llama",
            description = "gpt2 (learned positions, LayerNorm, GELU, biases) or llama (RoPE, RMSNorm, SwiGLU,"
                    + " grouped-query attention, no biases). Default: gpt2.")
    String architecture;

    @Option(
            names = "--kv-heads",
            description = "Llama: key/value heads, dividing --heads (grouped-query attention). Default: --heads.")
    Integer kvHeads;

    @Option(names = "--rope-theta", description = "Llama: RoPE base. Default: 500000.")
    Float ropeTheta;

    @Option(
            names = "--intermediate-size",
            description = "Llama: SwiGLU hidden width. Default: 8/3 x --embd rounded up to a multiple of 64.")
    Integer intermediateSize;

    @Option(
            names = "--untied-head",
            description = "Llama: give the model its own LM head instead of sharing the token embedding.")
    boolean untiedHead;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "Sequences per micro-batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--grad-accum", description = "Micro-batches per optimizer step (server default 1).")
    Integer gradAccumulation;

    @Option(names = "--steps", defaultValue = "200", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--lr", description = "Peak learning rate (server default 6e-4).")
    Float learningRate;

    @Option(names = "--min-lr", description = "Floor of the cosine decay (server default lr/10).")
    Float minLearningRate;

    @Option(names = "--warmup", description = "Linear warmup steps (server default 0).")
    Integer warmupSteps;

    @Option(names = "--weight-decay", description = "AdamW weight decay (server default 0.1).")
    Float weightDecay;

    @Option(names = "--grad-clip", description = "Global gradient-norm clip, 0 = off (server default 1.0).")
    Float gradClip;

    @Option(names = "--seed", description = "Seed of init and data order.")
    Long seed;

    @Option(
            names = "--shuffle-buffer",
            description = "Batches read ahead and shuffled together by the seed; 1 = stream order (server default 16).")
    Integer shuffleBuffer;

    @Option(names = "--threads", description = "Worker threads (server default: all cores).")
    Integer threads;

    @Option(names = "--eval-interval", description = "Evaluate validation loss every N steps (0: never).")
    Integer evalInterval;

    @Option(names = "--eval-batches", description = "Batches per evaluation (server default 8).")
    Integer evalBatches;

    @Option(
            names = "--val-fraction",
            description = "Share of shards held out for validation, 0..0.5 (server default 0.05).")
    Float validationFraction;

    @Option(names = "--sample-interval", description = "Generate a sample every N steps (0: never).")
    Integer sampleInterval;

    @Option(names = "--sample-prompt", description = "Prompt of the samples.")
    String samplePrompt;

    @Option(names = "--sample-tokens", description = "Tokens per sample (server default 64).")
    Integer sampleTokens;

    @Option(names = "--checkpoint-interval", description = "Checkpoint every N steps (0: at the end and on stop).")
    Integer checkpointInterval;

    @Option(names = "--topic", description = "Kafka topic of the token shards (server default kiln.corpus.shards).")
    String topic;

    @Option(names = "--wait-seconds", description = "Wait at most this long for the first shard (server default 300).")
    Integer waitSeconds;

    @Option(
            names = "--shard-dir",
            description = "Train on llm.c shard files in this server directory instead of Kafka.")
    String shardDirectory;

    @Option(names = "--watch", description = "Follow the run after starting it, as `kiln train watch`.")
    boolean watch;

    @Override
    public Integer call() {
        ModelConfig.Builder model = ModelConfig.newBuilder()
                .setNLayer(layers)
                .setNHead(heads)
                .setNEmbd(embd)
                .setContextLength(context);
        if (vocabSize != null) {
            model.setVocabSize(vocabSize);
        }
        if (architecture != null) {
            model.setArchitecture(architecture);
        }
        if (kvHeads != null) {
            model.setNKvHead(kvHeads);
        }
        if (ropeTheta != null) {
            model.setRopeTheta(ropeTheta);
        }
        if (intermediateSize != null) {
            model.setIntermediateSize(intermediateSize);
        }
        if (untiedHead) {
            model.setTieWordEmbeddings(false);
        }
        OptimizerConfig.Builder optimizer = OptimizerConfig.newBuilder();
        if (learningRate != null) {
            optimizer.setLearningRate(learningRate);
        }
        if (minLearningRate != null) {
            optimizer.setMinLearningRate(minLearningRate);
        }
        if (warmupSteps != null) {
            optimizer.setWarmupSteps(warmupSteps);
        }
        if (weightDecay != null) {
            optimizer.setWeightDecay(weightDecay);
        }
        if (gradClip != null) {
            optimizer.setGradClip(gradClip);
        }
        TrainingConfig.Builder training =
                TrainingConfig.newBuilder().setBatchSize(batchSize).setMaxSteps(steps);
        if (gradAccumulation != null) {
            training.setGradAccumulationSteps(gradAccumulation);
        }
        if (seed != null) {
            training.setSeed(seed);
        }
        if (shuffleBuffer != null) {
            training.setShuffleBufferBatches(shuffleBuffer);
        }
        if (threads != null) {
            training.setThreads(threads);
        }
        if (evalInterval != null) {
            training.setEvalInterval(evalInterval);
        }
        if (evalBatches != null) {
            training.setEvalBatches(evalBatches);
        }
        if (validationFraction != null) {
            training.setValidationFraction(validationFraction);
        }
        if (sampleInterval != null) {
            training.setSampleInterval(sampleInterval);
        }
        if (samplePrompt != null) {
            training.setSamplePrompt(samplePrompt);
        }
        if (sampleTokens != null) {
            training.setSampleTokens(sampleTokens);
        }
        if (checkpointInterval != null) {
            training.setCheckpointInterval(checkpointInterval);
        }
        DataSource.Builder data = DataSource.newBuilder();
        if (shardDirectory != null) {
            data.setShardDirectory(shardDirectory);
        } else {
            KafkaShards.Builder kafka = KafkaShards.newBuilder();
            if (topic != null) {
                kafka.setTopic(topic);
            }
            if (waitSeconds != null) {
                kafka.setWaitSeconds(waitSeconds);
            }
            data.setKafka(kafka);
        }
        StartRunRequest request = StartRunRequest.newBuilder()
                .setName(name)
                .setEncoding(encoding)
                .setModel(model)
                .setOptimizer(optimizer)
                .setTraining(training)
                .setData(data)
                .build();
        try (ServiceChannel channel = open(Endpoints.Service.TRAINER)) {
            Run run = TrainerServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .startRun(request);
            out().println(Runs.summary(run) + String.format(" (%d parameters)", run.getParameters()));
            out().flush();
            return watch ? new RunWatcher(channel, out(), new ProgressLine(out())).watch(run.getId(), true) : 0;
        }
    }
}
