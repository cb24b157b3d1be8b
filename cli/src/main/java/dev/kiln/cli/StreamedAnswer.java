package dev.kiln.cli;

import dev.kiln.proto.inference.v1.GenerateResponse;
import java.io.PrintWriter;
import java.util.Iterator;

/** A Generate or Chat stream printed as it arrives; what it said and how it ended. */
record StreamedAnswer(String text, int promptTokens, GenerateResponse last) {

    static StreamedAnswer print(Iterator<GenerateResponse> responses, PrintWriter out) {
        StringBuilder text = new StringBuilder();
        GenerateResponse last = GenerateResponse.getDefaultInstance();
        int promptTokens = 0;
        while (responses.hasNext()) {
            last = responses.next();
            if (last.hasUsage() && promptTokens == 0) {
                promptTokens = last.getUsage().getPromptTokens();
            }
            text.append(last.getText());
            out.print(last.getText());
            out.flush();
        }
        out.println();
        out.flush();
        return new StreamedAnswer(text.toString(), promptTokens, last);
    }

    void printUsage(PrintWriter err) {
        err.printf(
                "%d prompt tokens, %d completion tokens, finish: %s%n",
                promptTokens,
                last.getUsage().getCompletionTokens(),
                last.getFinishReason().name().replace("FINISH_REASON_", "").toLowerCase());
        err.flush();
    }
}
