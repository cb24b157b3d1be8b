package dev.kiln.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (F32 only): an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [...], "data_offsets":
 * [begin, end]}}}, offsets relative to the end of the header, header padded with spaces to a
 * multiple of 8), then the little-endian tensor bytes. Files are written to a temporary sibling
 * and moved into place, so a crash never leaves a half-written file under the final name.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** A tensor to write or one that was read: data[off, off + product(shape)). */
    public record Tensor(String name, long[] shape, float[] data, int off) {
        public Tensor(String name, long[] shape, float[] data) {
            this(name, shape, data, 0);
        }

        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }

    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Tensor require(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("safetensors file has no tensor " + name);
            }
            return t;
        }
    }

    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Tensor t : tensors) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", "F32");
            List<Long> shape = new ArrayList<>();
            for (long d : t.shape()) {
                shape.add(d);
            }
            e.put("shape", shape);
            long end = offset + 4L * t.size();
            e.put("data_offsets", List.of(offset, end));
            if (header.put(t.name(), e) != null) {
                throw new IllegalArgumentException("duplicate tensor " + t.name());
            }
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            head.flip();
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                int n = t.size();
                for (int i = 0; i < n; ) {
                    int k = Math.min(n - i, buf.capacity() / 4);
                    buf.clear();
                    buf.asFloatBuffer().put(t.data(), t.off() + i, k);
                    buf.limit(k * 4);
                    writeFully(ch, buf);
                    i += k;
                }
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @SuppressWarnings("unchecked")
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > 100_000_000L || 8 + n > size) {
                throw new IOException(file + ": bad safetensors header length " + n);
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            Object parsed = JSON.readValue(hb.array(), Object.class);
            if (!(parsed instanceof Map)) {
                throw new IOException(file + ": safetensors header is not a JSON object");
            }
            Map<String, Object> header = (Map<String, Object>) parsed;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long dataStart = 8 + n;
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    ((Map<String, Object>) e.getValue()).forEach((k, v) -> meta.put(k, String.valueOf(v)));
                    continue;
                }
                Map<String, Object> info = (Map<String, Object>) e.getValue();
                if (!"F32".equals(info.get("dtype"))) {
                    throw new IOException(file + ": tensor " + e.getKey() + " has dtype " + info.get("dtype")
                            + ", only F32 is supported");
                }
                List<Object> shapeList = (List<Object>) info.get("shape");
                long[] shape = new long[shapeList.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = ((Number) shapeList.get(i)).longValue();
                    count *= shape[i];
                }
                List<Object> offs = (List<Object>) info.get("data_offsets");
                long begin = ((Number) offs.get(0)).longValue(), end = ((Number) offs.get(1)).longValue();
                if (end - begin != 4 * count || begin < 0 || dataStart + end > size) {
                    throw new IOException(file + ": tensor " + e.getKey() + " has inconsistent data_offsets");
                }
                float[] data = new float[Math.toIntExact(count)];
                ByteBuffer db =
                        ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, db, dataStart + begin);
                db.flip().asFloatBuffer().get(data);
                tensors.put(e.getKey(), new Tensor(e.getKey(), shape, data));
            }
            return new Contents(tensors, meta);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }
}
