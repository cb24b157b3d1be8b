package dev.kiln.console;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * The page reads and writes the services' messages in protobuf's canonical JSON mapping
 * (lowerCamelCase fields, enum names, 64-bit integers as strings), so the console maps no field
 * by hand and a field added to a .proto reaches the page without a change here. Jackson writes
 * every HTTP body; for a protobuf message it embeds what protobuf's own printer produces.
 */
@Singleton
public class ProtoJson implements ObjectMapperCustomizer {

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("kiln-protobuf");
        module.addSerializer(Message.class, new JsonSerializer<>() {
            @Override
            public void serialize(Message message, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeRawValue(PRINTER.print(message));
            }
        });
        mapper.registerModule(module);
    }

    /**
     * Fills {@code builder} from a request body; a body that does not match the message is an
     * IllegalArgumentException that names what protobuf's parser found wrong.
     */
    public static <B extends Message.Builder> B parse(String body, B builder) {
        if (body == null || body.isBlank()) {
            return builder;
        }
        try {
            PARSER.merge(body, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(
                    "the request is not a valid "
                            + builder.getDescriptorForType().getName() + ": " + e.getMessage(),
                    e);
        }
    }
}
