package dev.kiln.cli;

import dev.kiln.proto.inference.v1.ChatMessage;
import dev.kiln.proto.inference.v1.ChatRequest;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "chat",
        mixinStandardHelpOptions = true,
        description = {
            "Chats with a model through the gateway's Chat RPC: its chat template, or the few-shot"
                    + " conversation prompt of a base model. With a MESSAGE, answers it once; without,"
                    + " reads one user turn per line of standard input and keeps the conversation."
        },
        footer = {
            "",
            "Examples:  kiln chat --model llama-3.1-8b-instruct --system 'Be brief.' 'What is a KV cache?'",
            "           kiln chat --model qwen2.5-0.5b-instruct --temperature 0.7"
        })
final class ChatCommand extends ServiceCommand {

    @Option(
            names = {"-m", "--model"},
            required = true,
            description = "A loaded model (see `kiln models`).")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message before the conversation.")
    String system;

    @Mixin
    SamplingOptions options;

    @Option(names = "--usage", description = "Print token counts and the finish reason to stderr after each answer.")
    boolean usage;

    @Parameters(
            arity = "0..*",
            paramLabel = "MESSAGE",
            description = "One user message (words are joined by spaces), or - to read it from standard input.")
    List<String> message = List.of();

    @Override
    public Integer call() {
        List<ChatMessage> conversation = new ArrayList<>();
        if (system != null) {
            conversation.add(turn("system", system));
        }
        try (ServiceChannel channel = open(Endpoints.Service.GATEWAY)) {
            InferenceServiceGrpc.InferenceServiceBlockingStub gateway =
                    InferenceServiceGrpc.newBlockingStub(channel.channel());
            if (!message.isEmpty()) {
                conversation.add(turn("user", Inputs.text(message, System.in)));
                answer(gateway, conversation);
                return 0;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = read(in); line != null; line = read(in)) {
                if (line.isBlank()) {
                    continue;
                }
                conversation.add(turn("user", line));
                conversation.add(turn("assistant", answer(gateway, conversation)));
            }
        }
        return 0;
    }

    private String answer(InferenceServiceGrpc.InferenceServiceBlockingStub gateway, List<ChatMessage> conversation) {
        ChatRequest request = ChatRequest.newBuilder()
                .setModel(model)
                .addAllMessages(conversation)
                .setMaxNewTokens(options.maxNewTokens)
                .setSampling(options.sampling())
                .addAllStop(options.stops)
                .setIgnoreEos(options.ignoreEos)
                .build();
        // No deadline: a long answer is the point; Ctrl-C cancels the call.
        StreamedAnswer answer = StreamedAnswer.print(gateway.chat(request), out());
        if (usage) {
            answer.printUsage(err());
        }
        return answer.text();
    }

    private String read(BufferedReader in) {
        if (System.console() != null) {
            err().print("> ");
            err().flush();
        }
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }

    private static ChatMessage turn(String role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }
}
