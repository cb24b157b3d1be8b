package dev.kiln.inference.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Chat template render time per request: parsing the template on every request (what the gateway
 * did before, the same as building a new {@link ChatTemplate} per request) against rendering the
 * tree parsed once when the model loaded. Real templates and conversations from the byte-exact
 * test cases (chat-templates/cases.json). Interleaved rounds, first dropped, median µs/render.
 *
 * <p>Run through {@code bench/gateway.sh chat [renders per round]}. In this package for the
 * package-private {@code render(Map)} the byte-exact test uses.
 */
public final class ChatTemplateBench {
    static final List<String> TEMPLATES =
            List.of("meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-0.6B", "mistralai/Mistral-Nemo-Instruct-2407");

    public static void main(String[] args) throws Exception {
        int renders = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        List<Map<String, Object>> cases;
        try (InputStream in = ChatTemplateBench.class.getResourceAsStream("/chat-templates/cases.json")) {
            cases = new ObjectMapper().readValue(in, new TypeReference<>() {});
        }
        System.out.println("| template | parse + render µs | render of the parsed tree µs | speedup |");
        System.out.println("|---|---:|---:|---:|");
        for (String name : TEMPLATES) {
            Map<String, Object> c = cases.stream()
                    .filter(x -> name.equals(x.get("name")))
                    .findFirst()
                    .orElseThrow();
            String source = (String) c.get("chat_template");
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) c.get("data");
            String bos = (String) data.get("bos_token"), eos = (String) data.get("eos_token");
            ChatTemplate parsedOnce = new ChatTemplate(source, bos, eos);
            double[] perRequest = new double[6], cached = new double[6];
            for (int round = 0; round < 6; round++) { // interleaved; round 0 warms up
                long t0 = System.nanoTime();
                for (int i = 0; i < renders; i++) {
                    sink += new ChatTemplate(source, bos, eos).render(data).length();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < renders; i++) {
                    sink += parsedOnce.render(data).length();
                }
                long t2 = System.nanoTime();
                perRequest[round] = (t1 - t0) / 1e3 / renders;
                cached[round] = (t2 - t1) / 1e3 / renders;
            }
            double a = median(Arrays.copyOfRange(perRequest, 1, 6)), b = median(Arrays.copyOfRange(cached, 1, 6));
            System.out.printf("| %s | %.1f | %.1f | %.1fx |%n", name, a, b, a / b);
        }
        if (sink == 42) {
            System.out.print("");
        }
    }

    static long sink;

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return (s[s.length / 2] + s[(s.length - 1) / 2]) / 2;
    }
}
